// Guest stays: who is staying where until when; a stay can be ended early (the guest's
// session in that room ends with it).
import { api, type Schemas } from "../../lib/api/client";
import { dateTime } from "../../lib/format";
import { Loading, Notice, Title } from "../../lib/ui";
import { messageOf } from "../errors";
import { WithMember } from "../guard";
import { t } from "../i18n";
import { timeZoneOf } from "../state";
import { placeOf } from "../time";
import { useAction, useList } from "./common";

type Stay = Schemas["StaffStay"];

export function Stays(props: { params: { hotel: string } }) {
  return (
    <WithMember hotel={props.params.hotel}>{() => <StaysScreen hotel={props.params.hotel} />}</WithMember>
  );
}

function StaysScreen(props: { hotel: string }) {
  const base = `/hotels/${props.hotel}/admin/stays`;
  const list = useList<Stay>(`${base}?limit=100`);
  const action = useAction();
  const zone = timeZoneOf(props.hotel);
  const active = (list.items ?? []).filter((s) => s.active);
  return (
    <>
      <Title>{t("nav.stays")}</Title>
      {list.error ? <Notice kind="error">{messageOf(list.error)}</Notice> : null}
      {action.notices}
      {list.items === null ? <Loading label={t("app.loading")} /> : null}
      {list.items && active.length === 0 ? <p class="empty">{t("stays.none")}</p> : null}
      <ul class="plain-list" aria-label={t("nav.stays")}>
        {active.map((s) => (
          <li key={s.id} class="card stay-row">
            <div class="grow">
              <h2>{placeOf(s.location)}</h2>
              <p class="hint">
                {t("stays.dates", {
                  from: dateTime(s.check_in, "en-GB", zone),
                  to: dateTime(s.check_out, "en-GB", zone),
                })}
              </p>
            </div>
            <button
              type="button"
              class="button button-danger"
              disabled={action.busy}
              onClick={() => {
                if (!confirm(t("stays.confirmEnd", { place: placeOf(s.location) }))) return;
                void action
                  .run(
                    () => api.call("PATCH", `${base}/${s.id}`, { body: { action: "end" } }),
                    t("stays.ended"),
                  )
                  .then(list.reload);
              }}
            >
              {t("stays.end", { place: placeOf(s.location) })}
            </button>
          </li>
        ))}
      </ul>
    </>
  );
}
