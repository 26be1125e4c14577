// The person's notifications, newest first, unread ones marked; opening one marks it read and
// goes to its request; "mark all read" empties the count.
import { useEffect, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { api, type Reply, type Schemas } from "../../lib/api/client";
import { dateTime } from "../../lib/format";
import { Loading, Notice, Title } from "../../lib/ui";
import { messageOf } from "../errors";
import { WithMe } from "../guard";
import { t } from "../i18n";
import { countUnread, Layout, unread } from "../layout/Layout";
import { timeZoneOf } from "../state";
import { DevicePush } from "./DevicePush";

type Notification = Schemas["Notification"];
type Page = Reply<"/api/v1/notifications", "get">;

export function Notifications() {
  return (
    <WithMe>
      {() => (
        <Layout>
          <NotificationList />
        </Layout>
      )}
    </WithMe>
  );
}

function NotificationList() {
  const { route } = useLocation();
  const [items, setItems] = useState<Notification[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [said, setSaid] = useState<string | null>(null);

  const load = async (from: string | null) => {
    try {
      const page = await api.get<Page>(
        `/notifications?limit=30${from ? `&cursor=${encodeURIComponent(from)}` : ""}`,
      );
      setItems((current) => (from ? [...(current ?? []), ...page.items] : page.items));
      setCursor(page.next_cursor);
    } catch (failure) {
      setError(failure);
    }
  };
  useEffect(() => void load(null), []);

  const open = async (n: Notification) => {
    if (!n.read) {
      await api.post(`/notifications/${n.id}/read`).catch(() => undefined);
      void countUnread();
    }
    if (n.request) route(`/staff/hotels/${n.hotel}/requests/${n.request}`);
    else setItems((current) => current?.map((c) => (c.id === n.id ? { ...c, read: true } : c)) ?? null);
  };

  return (
    <>
      <div class="title-row">
        <Title>{t("notifications.title")}</Title>
        <button
          type="button"
          class="button button-quiet"
          disabled={!unread.value}
          onClick={async () => {
            setError(null);
            try {
              const answer =
                await api.post<Reply<"/api/v1/notifications/read-all", "post">>("/notifications/read-all");
              setItems((current) => current?.map((n) => ({ ...n, read: true })) ?? null);
              setSaid(t("notifications.marked", { count: answer.marked }));
              await countUnread();
            } catch (failure) {
              setError(failure);
            }
          }}
        >
          {t("notifications.readAll")}
        </button>
      </div>
      <p class="hint">{t("notifications.unread", { count: unread.value ?? 0 })}</p>
      <DevicePush />
      {said ? <Notice kind="success">{said}</Notice> : null}
      {error ? <Notice kind="error">{messageOf(error)}</Notice> : null}
      {items === null && !error ? <Loading label={t("app.loading")} /> : null}
      {items?.length === 0 ? <p class="empty">{t("notifications.empty")}</p> : null}
      {items && items.length > 0 ? (
        <ul class="notifications" aria-label={t("notifications.title")}>
          {items.map((n) => (
            <li key={n.id} class={n.read ? "read" : "unread"}>
              <button type="button" class="notification" onClick={() => void open(n)}>
                <span class="n-title">
                  {n.read ? null : <span class="dot">{t("notifications.new")}</span>}
                  {n.title}
                </span>
                <span class="n-body">{n.body}</span>
                <span class="when">{dateTime(n.created_at, "en-GB", timeZoneOf(n.hotel))}</span>
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {cursor ? (
        <button type="button" class="button button-quiet button-block" onClick={() => void load(cursor)}>
          {t("queue.more")}
        </button>
      ) : null}
    </>
  );
}
