// QR codes: one per room or place, labelled, counted as scanned, deactivated when a room
// goes; and a printable A4 sheet of the active ones with their room labels.
import { useState } from "preact/hooks";
import { api, type Schemas } from "../../lib/api/client";
import { Loading, Notice, Title } from "../../lib/ui";
import { messageOf } from "../errors";
import { WithMember } from "../guard";
import { t } from "../i18n";
import { Form, TextInput, useAction, useList } from "./common";

type Qr = Schemas["QrCodeRecord"];

export function QrCodes(props: { params: { hotel: string } }) {
  return (
    <WithMember hotel={props.params.hotel} least="ADMIN">
      {() => <QrScreen hotel={props.params.hotel} />}
    </WithMember>
  );
}

const imageOf = (hotel: string, code: string) =>
  `/api/v1/hotels/${hotel}/admin/qr-codes/${code}/image?format=svg`;

function QrScreen(props: { hotel: string }) {
  const base = `/hotels/${props.hotel}/admin/qr-codes`;
  const list = useList<Qr>(`${base}?limit=100`);
  const [label, setLabel] = useState("");
  const [location, setLocation] = useState("");
  const [labels, setLabels] = useState<Record<string, string>>({});
  const action = useAction();
  return (
    <>
      <div class="title-row">
        <Title>{t("nav.qr")}</Title>
        <a class="button button-quiet" href={`/staff/hotels/${props.hotel}/admin/qr-codes/sheet`}>
          {t("qr.sheet")}
        </a>
      </div>
      {list.error ? <Notice kind="error">{messageOf(list.error)}</Notice> : null}
      {action.notices}
      <section class="card" aria-labelledby="new-qr">
        <h2 id="new-qr">{t("qr.new")}</h2>
        <Form
          onSubmit={() =>
            void action
              .run(() => api.post(base, { label, location }), t("qr.created"))
              .then(async (ok) => {
                if (!ok) return;
                setLabel("");
                setLocation("");
                await list.reload();
              })
          }
        >
          <div class="two">
            <TextInput
              id="qr-location"
              label={t("qr.location")}
              hint={t("qr.locationHint")}
              value={location}
              required
              onInput={setLocation}
            />
            <TextInput
              id="qr-label"
              label={t("qr.label")}
              hint={t("qr.labelHint")}
              value={label}
              required
              onInput={setLabel}
            />
          </div>
          <button class="button" type="submit" disabled={action.busy}>
            {t("qr.create")}
          </button>
        </Form>
      </section>
      {list.items === null ? <Loading label={t("app.loading")} /> : null}
      <ul class="plain-list qr-list" aria-label={t("nav.qr")}>
        {list.items?.map((q) => (
          <li key={q.code} class="card qr-row">
            <img
              src={imageOf(props.hotel, q.code)}
              alt={t("qr.imageAlt", { location: q.location })}
              width={96}
              height={96}
            />
            <div class="grow">
              <h2>{q.location}</h2>
              <p class="hint">
                {t("qr.scans", { count: q.scan_count })} ·{" "}
                {q.active ? t("common.active") : t("common.inactive")}
              </p>
              <Form
                onSubmit={() =>
                  void action
                    .run(() =>
                      api.call("PATCH", `${base}/${q.code}`, { body: { label: labels[q.code] ?? q.label } }),
                    )
                    .then(list.reload)
                }
              >
                <div class="inline-form">
                  <TextInput
                    id={`qr-${q.code}-label`}
                    label={t("qr.labelOf", { location: q.location })}
                    value={labels[q.code] ?? q.label}
                    onInput={(v) => setLabels((all) => ({ ...all, [q.code]: v }))}
                  />
                  <button class="button button-quiet" type="submit" disabled={action.busy}>
                    {t("common.save")}
                  </button>
                </div>
              </Form>
              {q.active ? (
                <button
                  type="button"
                  class="button button-quiet"
                  disabled={action.busy}
                  onClick={() =>
                    void action
                      .run(() => api.call("DELETE", `${base}/${q.code}`), t("qr.deactivated"))
                      .then(list.reload)
                  }
                >
                  {t("qr.deactivate", { location: q.location })}
                </button>
              ) : null}
            </div>
          </li>
        ))}
      </ul>
    </>
  );
}

export function QrSheet(props: { params: { hotel: string } }) {
  return (
    <WithMember hotel={props.params.hotel} least="ADMIN">
      {() => <Sheet hotel={props.params.hotel} />}
    </WithMember>
  );
}

function Sheet(props: { hotel: string }) {
  const list = useList<Qr>(`/hotels/${props.hotel}/admin/qr-codes?limit=100`);
  const active = (list.items ?? []).filter((q) => q.active);
  return (
    <>
      <div class="title-row no-print">
        <Title>{t("qr.sheet")}</Title>
        <button type="button" class="button" onClick={() => print()}>
          {t("qr.print")}
        </button>
      </div>
      <p class="hint no-print">{t("qr.sheetHint")}</p>
      {list.error ? <Notice kind="error">{messageOf(list.error)}</Notice> : null}
      {list.items === null ? <Loading label={t("app.loading")} /> : null}
      <ul class="qr-sheet" aria-label={t("qr.sheet")}>
        {active.map((q) => (
          <li key={q.code}>
            <img src={imageOf(props.hotel, q.code)} alt={t("qr.imageAlt", { location: q.location })} />
            <p class="qr-place">{q.location}</p>
            <p class="qr-label">{q.label}</p>
          </li>
        ))}
      </ul>
    </>
  );
}
