// `/requests/{id}`: one request, live. Reads the request and its history, then follows the
// stream: each change arrives as it happens; a dropped line resumes where it was
// (Last-Event-ID); when the browser gives up, the page reads the request again and, unless it
// is final, follows a new stream.
import { useEffect, useState } from "preact/hooks";
import { useRoute } from "preact-iso";
import { api, ApiError, type Reply, type Schemas } from "../../lib/api/client";
import { dateTime, time } from "../../lib/format";
import { follow, type LiveState } from "../../lib/live";
import { Loading, Notice, Title } from "../../lib/ui";
import { departmentName, loadCatalogue } from "../catalogue";
import { messageOf } from "../errors";
import { WithStay } from "../guard";
import { i18n, t, type Key } from "../i18n";
import { hotel } from "../state";

type Request = Schemas["GuestRequest"];
type Activity = Schemas["GuestActivity"];
type Detail = Reply<"/api/v1/me/requests/{request}", "get">;

const FINAL: ReadonlySet<Request["status"]> = new Set(["COMPLETED", "DECLINED", "CANCELLED", "EXPIRED"]);
const CANCELLABLE: ReadonlySet<Request["status"]> = new Set(["NEW", "ACKNOWLEDGED", "CONFIRMED"]);

/** Adds entries not yet there (by id), oldest first. */
export function merge(history: readonly Activity[], more: readonly Activity[]): Activity[] {
  const seen = new Set(history.map((a) => a.id));
  return [...history, ...more.filter((a) => !seen.has(a.id))].sort((a, b) => (a.id < b.id ? -1 : 1));
}

function statusLabel(status: Request["status"]): string {
  return t(`status.${status}` as Key);
}

function activityLabel(a: Activity, department: string): string {
  switch (a.kind) {
    case "CREATED":
      return t("activity.CREATED");
    case "ACKNOWLEDGED":
      return t("activity.ACKNOWLEDGED", { department });
    case "STATUS_CHANGED":
      return t("activity.STATUS_CHANGED", { status: a.to_status ? statusLabel(a.to_status) : "" });
    default:
      return t("activity.other");
  }
}

function View(props: { id: string; hotel: string }) {
  const [request, setRequest] = useState<Request | null>(null);
  const [history, setHistory] = useState<Activity[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [live, setLive] = useState<LiveState>("connecting");
  const [confirming, setConfirming] = useState(false);
  const [cancelling, setCancelling] = useState(false);
  const path = `/me/requests/${encodeURIComponent(props.id)}`;

  useEffect(() => {
    void loadCatalogue(props.hotel).catch(() => undefined);
  }, [props.hotel]);

  useEffect(() => {
    let stop: (() => void) | null = null;
    let gone = false;
    /** Reads the request again; whether it can still change. */
    const read = async (): Promise<boolean> => {
      const detail = await api.get<Detail>(path);
      if (gone) return false;
      setRequest(detail.request);
      setHistory((h) => merge(h, detail.activity));
      return !FINAL.has(detail.request.status);
    };
    read()
      .then((changing) => {
        if (gone || !changing) {
          setLive("stopped");
          return;
        }
        stop = follow(`/api/v1${path}/events`, ["request", "activity"], {
          onEvent: (name, data) => {
            if (name === "request") setRequest(data as Request);
            else setHistory((h) => merge(h, [data as Activity]));
          },
          onState: setLive,
          closed: () => read().catch(() => true),
        });
      })
      .catch((failure: unknown) => {
        if (!gone) setError(failure);
      });
    return () => {
      gone = true;
      stop?.();
    };
  }, [path]);

  if (error) {
    const missing = error instanceof ApiError && (error.status === 404 || error.status === 400);
    return (
      <>
        <Title>{t("tracker.title")}</Title>
        <Notice kind="error">{missing ? t("tracker.notFound") : messageOf(error)}</Notice>
        <p>
          <a href="/requests">{t("nav.requests")}</a>
        </p>
      </>
    );
  }
  if (!request) return <Loading label={t("app.loading")} />;

  const zone = hotel.value?.timezone ?? "UTC";
  const language = i18n.language.value;
  const department = departmentName(request.department);
  const cancel = async () => {
    setCancelling(true);
    try {
      setRequest(await api.post<Request>(`${path}/cancel`));
      setConfirming(false);
    } catch (failure) {
      setError(failure);
    } finally {
      setCancelling(false);
    }
  };

  return (
    <>
      <Title>{request.experience_name ?? department}</Title>
      <p class={`live live-${live}`} role="status">
        {live === "live"
          ? t("tracker.live")
          : live === "stopped"
            ? FINAL.has(request.status)
              ? ""
              : t("tracker.ended")
            : t("tracker.reconnecting")}
      </p>
      <section class="card" aria-labelledby="status-title">
        <h2 id="status-title" class="visually-hidden">
          {t("tracker.status")}
        </h2>
        <p class={`status status-${request.status.toLowerCase()}`} aria-live="polite">
          {statusLabel(request.status)}
        </p>
        {request.acknowledged_at ? (
          <p>
            {t("tracker.acknowledgedBy", { department, time: time(request.acknowledged_at, language, zone) })}
          </p>
        ) : request.status === "NEW" ? (
          <p>{t("tracker.dueBy", { department, time: time(request.response_due_at, language, zone) })}</p>
        ) : null}
        {request.requested_for ? (
          <p>{t("tracker.requestedFor", { time: dateTime(request.requested_for, language, zone) })}</p>
        ) : null}
        {request.details ? <p class="details">{request.details}</p> : null}
        {request.confirmation_reason ? (
          <p>{t("tracker.reason", { reason: request.confirmation_reason })}</p>
        ) : null}
        {CANCELLABLE.has(request.status) ? (
          confirming ? (
            <div class="row" role="group" aria-label={t("tracker.cancelConfirm")}>
              <p>{t("tracker.cancelConfirm")}</p>
              <button
                type="button"
                class="button button-danger"
                disabled={cancelling}
                onClick={() => void cancel()}
              >
                {t("tracker.cancelYes")}
              </button>
              <button type="button" class="button button-quiet" onClick={() => setConfirming(false)}>
                {t("tracker.cancelNo")}
              </button>
            </div>
          ) : (
            <button type="button" class="button button-quiet" onClick={() => setConfirming(true)}>
              {t("tracker.cancel")}
            </button>
          )
        ) : null}
      </section>
      <section aria-labelledby="history-title">
        <h2 id="history-title">{t("tracker.history")}</h2>
        <ol class="timeline">
          {history.map((a) => (
            <li key={a.id}>
              <span>{activityLabel(a, department)}</span>
              {a.text && a.kind === "STATUS_CHANGED" ? <span class="hint"> — {a.text}</span> : null}
              <time dateTime={a.at}>{time(a.at, language, zone)}</time>
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}

export function Tracker() {
  const { params } = useRoute();
  return <WithStay>{({ stay }) => <View id={params.id ?? ""} hotel={stay.hotel} />}</WithStay>;
}
