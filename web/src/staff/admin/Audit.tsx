// The hotel's audit log: who changed which setting, when (in the hotel's time), from what to
// what, newest first, a page at a time; super admins only.
import { useEffect, useState } from "preact/hooks";
import { api, type Schemas } from "../../lib/api/client";
import { dateTime } from "../../lib/format";
import { Loading, Notice, Title } from "../../lib/ui";
import { messageOf } from "../errors";
import { WithMember } from "../guard";
import { t } from "../i18n";
import { timeZoneOf } from "../state";

type Entry = Schemas["AuditEntry"];
type Page = { items: Entry[]; next_cursor: string | null };

export function Audit(props: { params: { hotel: string } }) {
  return (
    <WithMember hotel={props.params.hotel} least="SUPERADMIN">
      {() => <AuditScreen hotel={props.params.hotel} />}
    </WithMember>
  );
}

const SUBJECTS: Record<Entry["subject"], string> = {
  hotel: t("audit.subject.hotel"),
  department: t("audit.subject.department"),
  member: t("audit.subject.member"),
  qr_code: t("audit.subject.qr_code"),
};

function described(e: Entry, when: string): string {
  const who = e.actor_name ?? t("audit.unknownActor");
  if (e.action === "created") return t("audit.created", { who, when });
  if (e.action === "deactivated") return t("audit.deactivated", { who, when });
  return t("audit.updated", { who, when });
}

/** A field's value as a person reads it. */
function shown(value: unknown): string {
  if (value === null || value === undefined || value === "") return t("audit.none");
  if (typeof value === "boolean") return value ? t("audit.yes") : t("audit.no");
  if (typeof value === "string" || typeof value === "number") return String(value);
  if (Array.isArray(value)) return value.length ? value.map(shown).join(", ") : t("audit.none");
  return Object.entries(value as Record<string, unknown>)
    .filter(([, inner]) => inner !== null && inner !== "")
    .map(([key, inner]) => `${key}: ${shown(inner)}`)
    .join("; ");
}

function AuditScreen(props: { hotel: string }) {
  const base = `/hotels/${props.hotel}/admin/audit?limit=50`;
  const [entries, setEntries] = useState<Entry[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const zone = timeZoneOf(props.hotel);
  const load = async (cursor: string | null) => {
    setBusy(true);
    try {
      const page = await api.get<Page>(cursor ? `${base}&cursor=${encodeURIComponent(cursor)}` : base);
      setEntries((known) => [...(cursor ? (known ?? []) : []), ...page.items]);
      setNext(page.next_cursor);
      setError(null);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => void load(null), [props.hotel]);
  return (
    <>
      <Title>{t("nav.audit")}</Title>
      <p class="hint">{t("audit.intro")}</p>
      {error ? <Notice kind="error">{messageOf(error)}</Notice> : null}
      {entries === null && !error ? <Loading label={t("app.loading")} /> : null}
      {entries && entries.length === 0 ? <p class="empty">{t("audit.empty")}</p> : null}
      <ol class="plain-list" aria-label={t("nav.audit")}>
        {(entries ?? []).map((e) => (
          <li key={e.id} class="card">
            <h2>
              {SUBJECTS[e.subject]}: {e.subject_label}
            </h2>
            <p class="hint">{described(e, dateTime(e.at, "en-GB", zone))}</p>
            <table class="audit-changes" aria-label={t("audit.changesOf", { subject: e.subject_label })}>
              <thead>
                <tr>
                  <th scope="col">{t("audit.field")}</th>
                  <th scope="col">{t("audit.before")}</th>
                  <th scope="col">{t("audit.after")}</th>
                </tr>
              </thead>
              <tbody>
                {e.changes.map((c) => (
                  <tr key={c.field}>
                    <th scope="row">{c.field}</th>
                    <td>{shown(c.before)}</td>
                    <td>{shown(c.after)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </li>
        ))}
      </ol>
      {next ? (
        <button type="button" class="button" disabled={busy} onClick={() => void load(next)}>
          {t("audit.more")}
        </button>
      ) : null}
    </>
  );
}
