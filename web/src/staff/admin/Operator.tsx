// The platform operator's screens: the hotels (and a new one with its first super admin), and
// the platform's health (each job's last heartbeat).
import { useEffect, useState } from "preact/hooks";
import { api, type Reply, type Schemas } from "../../lib/api/client";
import { dateTime } from "../../lib/format";
import { Loading, Notice, Title } from "../../lib/ui";
import { messageOf } from "../errors";
import { WithMe } from "../guard";
import { t } from "../i18n";
import { Layout } from "../layout/Layout";
import { Form, TextInput, useAction, useList } from "./common";

type Hotel = Schemas["Hotel"];
type Health = Reply<"/api/v1/operator/health", "get">;

export function Operator() {
  return (
    <WithMe>
      {(who) => (
        <Layout>
          {who.user.is_operator ? (
            <OperatorScreen />
          ) : (
            <>
              <Title>{t("refused.title")}</Title>
              <Notice kind="error">{t("refused.operator")}</Notice>
            </>
          )}
        </Layout>
      )}
    </WithMe>
  );
}

function OperatorScreen() {
  const list = useList<Hotel>("/operator/hotels?limit=100");
  const [health, setHealth] = useState<Health | null>(null);
  const [healthError, setHealthError] = useState<unknown>(null);
  const [slug, setSlug] = useState("");
  const [name, setName] = useState("");
  const [timezone, setTimezone] = useState("Europe/Lisbon");
  const [adminName, setAdminName] = useState("");
  const [adminPhone, setAdminPhone] = useState("");
  const [adminEmail, setAdminEmail] = useState("");
  const action = useAction();
  useEffect(() => {
    api.get<Health>("/operator/health").then(setHealth, setHealthError);
  }, []);
  return (
    <>
      <Title>{t("operator.title")}</Title>
      <section class="card" aria-labelledby="health-title">
        <h2 id="health-title">{t("operator.health")}</h2>
        {healthError ? <Notice kind="error">{messageOf(healthError)}</Notice> : null}
        {health ? (
          <>
            <p class={`health-${health.status}`}>{t(`operator.status.${health.status}`)}</p>
            <table>
              <caption class="hint">{t("operator.jobs")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("operator.job")}</th>
                  <th scope="col">{t("operator.state")}</th>
                  <th scope="col">{t("operator.lastRun")}</th>
                </tr>
              </thead>
              <tbody>
                {health.jobs.map((j) => (
                  <tr key={j.job}>
                    <th scope="row">{j.job}</th>
                    <td>{t(`job.${j.state}`)}</td>
                    <td>{j.heartbeat ? dateTime(j.heartbeat.last_run_at, "en-GB", "UTC") + " UTC" : "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        ) : healthError ? null : (
          <Loading label={t("app.loading")} />
        )}
      </section>
      <section class="card" aria-labelledby="hotels-title">
        <h2 id="hotels-title">{t("operator.hotels")}</h2>
        {list.error ? <Notice kind="error">{messageOf(list.error)}</Notice> : null}
        <ul class="plain-list" aria-label={t("operator.hotels")}>
          {list.items?.map((h) => (
            <li key={h.slug}>
              <strong>{h.name}</strong>{" "}
              <span class="hint">
                ({h.slug}, {h.timezone})
              </span>{" "}
              <span class="badge">{h.active ? t("common.active") : t("common.inactive")}</span>
            </li>
          ))}
        </ul>
      </section>
      <section class="card" aria-labelledby="new-hotel">
        <h2 id="new-hotel">{t("operator.new")}</h2>
        <Form
          onSubmit={() =>
            void action
              .run(
                () =>
                  api.post("/operator/hotels", {
                    slug,
                    name,
                    timezone,
                    superadmin: { name: adminName, phone: adminPhone, email: adminEmail.trim() || null },
                  }),
                t("operator.created"),
              )
              .then(async (ok) => {
                if (ok) await list.reload();
              })
          }
        >
          <div class="two">
            <TextInput
              id="new-slug"
              label={t("departments.slug")}
              hint={t("operator.slugHint")}
              value={slug}
              required
              onInput={setSlug}
            />
            <TextInput id="new-name" label={t("settings.name")} value={name} required onInput={setName} />
          </div>
          <TextInput
            id="new-timezone"
            label={t("settings.timezone")}
            hint={t("settings.timezoneHint")}
            value={timezone}
            onInput={setTimezone}
          />
          <fieldset>
            <legend>{t("operator.firstAdmin")}</legend>
            <TextInput
              id="new-admin-name"
              label={t("members.name")}
              value={adminName}
              required
              onInput={setAdminName}
            />
            <div class="two">
              <TextInput
                id="new-admin-phone"
                type="tel"
                inputMode="tel"
                label={t("login.phone")}
                value={adminPhone}
                required
                onInput={setAdminPhone}
              />
              <TextInput
                id="new-admin-email"
                type="email"
                label={t("members.email")}
                value={adminEmail}
                onInput={setAdminEmail}
              />
            </div>
          </fieldset>
          {action.notices}
          <button class="button" type="submit" disabled={action.busy}>
            {t("operator.create")}
          </button>
        </Form>
      </section>
    </>
  );
}
