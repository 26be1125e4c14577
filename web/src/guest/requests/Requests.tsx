// `/requests`: this stay's requests, newest first.
import { useEffect, useState } from "preact/hooks";
import { api, type Reply, type Schemas } from "../../lib/api/client";
import { dateTime } from "../../lib/format";
import { Loading, Notice, Title } from "../../lib/ui";
import { departmentName, loadCatalogue } from "../catalogue";
import { messageOf } from "../errors";
import { WithStay } from "../guard";
import { i18n, t, type Key } from "../i18n";
import { hotel, type Stay } from "../state";

type Request = Schemas["GuestRequest"];

/** The requests made during `stay`, newest first. */
export function ofStay(requests: readonly Request[], stay: Stay): Request[] {
  return requests
    .filter((r) => r.hotel === stay.hotel && r.location === stay.location && r.created_at >= stay.check_in)
    .sort((a, b) => (a.created_at < b.created_at ? 1 : -1));
}

function List(props: { stay: Stay }) {
  const [requests, setRequests] = useState<Request[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    void loadCatalogue(props.stay.hotel).catch(() => undefined);
    api
      .get<Reply<"/api/v1/me/requests", "get">>("/me/requests?limit=100")
      .then((page) => setRequests(ofStay(page.items, props.stay)))
      .catch(setError);
  }, [props.stay.id]);
  if (error) return <Notice kind="error">{messageOf(error)}</Notice>;
  if (!requests) return <Loading label={t("app.loading")} />;
  const zone = hotel.value?.timezone ?? "UTC";
  const language = i18n.language.value;
  if (requests.length === 0) {
    return (
      <>
        <p>{t("requests.empty")}</p>
        <a class="button" href="/">
          {t("requests.new")}
        </a>
      </>
    );
  }
  return (
    <ul class="list">
      {requests.map((r) => (
        <li key={r.id} class="card request">
          <a href={`/requests/${r.id}`}>{r.experience_name ?? departmentName(r.department)}</a>
          <span class={`badge status-${r.status.toLowerCase()}`}>{t(`status.${r.status}` as Key)}</span>
          <span class="hint">{t("requests.sentAt", { time: dateTime(r.created_at, language, zone) })}</span>
        </li>
      ))}
    </ul>
  );
}

export function Requests() {
  return (
    <WithStay>
      {({ stay }) => (
        <>
          <Title>{t("requests.title")}</Title>
          <List stay={stay} />
        </>
      )}
    </WithStay>
  );
}
