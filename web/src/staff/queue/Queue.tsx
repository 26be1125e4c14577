// The live queue: the hotel's open requests of this person's departments (all of them for
// admins), newest first, arriving over the staff stream without a reload. Each shows the room,
// the department, what was asked, its age and a countdown to its response deadline; new ones
// chime until someone acknowledges them, and count in the tab's title.
import { useEffect, useRef, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { api, ApiError, type Reply } from "../../lib/api/client";
import { Notice, Title } from "../../lib/ui";
import { messageOf } from "../errors";
import { WithMember } from "../guard";
import { t } from "../i18n";
import { waiting } from "../layout/Layout";
import { atLeast, departmentName, hotels, membershipOf, type StaffRequest } from "../state";
import { useNow, useStaffStream } from "../stream";
import { age, countdown, placeOf, urgency } from "../time";
import { ALERT_EVERY_MS, allowSound, blocked, chime, muted, setMuted } from "./alert";
import {
  apiQueryOf,
  exportQueryOf,
  filtersOf,
  matches,
  PRIORITIES,
  queryOf,
  STATUSES,
  type Filters,
} from "./filters";

type Page = Reply<"/api/v1/hotels/{hotel}/admin/requests", "get">;
type Detail = Reply<"/api/v1/hotels/{hotel}/admin/requests/{request}", "get">;

const PAGE_SIZE = 25;

export function Queue(props: { params: { hotel: string } }) {
  return (
    <WithMember hotel={props.params.hotel}>{() => <QueueScreen hotel={props.params.hotel} />}</WithMember>
  );
}

function QueueScreen(props: { hotel: string }) {
  const { query, path, route } = useLocation();
  const filters = filtersOf(query);
  const key = queryOf(filters);
  const base = `/hotels/${encodeURIComponent(props.hotel)}/admin/requests`;
  const membership = membershipOf(props.hotel);
  const canExport = membership !== null && atLeast(membership.role, "ADMIN");
  const [items, setItems] = useState<StaffRequest[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  /** Requests that arrived while the page was open: they chime until acknowledged. */
  const [fresh, setFresh] = useState<ReadonlySet<string>>(new Set());
  const [rowErrors, setRowErrors] = useState<Record<string, unknown>>({});
  const filtersRef = useRef(filters);
  filtersRef.current = filters;
  const openedAt = useRef(Date.now());
  const now = useNow();

  const load = async () => {
    const page = await api.get<Page>(`${base}?${apiQueryOf(filtersRef.current, null, PAGE_SIZE)}`);
    setItems(page.items);
    setCursor(page.next_cursor);
    setError(null);
  };
  useEffect(() => {
    setItems(null);
    void load().catch(setError);
  }, [props.hotel, key]);

  const more = async () => {
    if (!cursor) return;
    try {
      const page = await api.get<Page>(`${base}?${apiQueryOf(filters, cursor, PAGE_SIZE)}`);
      setItems((current) => [
        ...(current ?? []),
        ...page.items.filter((r) => !current?.some((c) => c.id === r.id)),
      ]);
      setCursor(page.next_cursor);
    } catch (failure) {
      setError(failure);
    }
  };

  /** Puts a request as it is now into the queue, or out of it when it no longer belongs. */
  const place = (request: StaffRequest) =>
    setItems((current) => {
      if (!current) return current;
      const others = current.filter((r) => r.id !== request.id);
      if (!matches(request, filtersRef.current)) return others;
      const known = current.some((r) => r.id === request.id);
      return known ? current.map((r) => (r.id === request.id ? request : r)) : [request, ...others];
    });

  const pending = useRef(new Map<string, Promise<void>>());
  const refetch = (id: string) => {
    if (pending.current.has(id)) return;
    const done = api
      .get<Detail>(`${base}/${id}`)
      .then((detail) => place(detail.request))
      .catch(() => undefined)
      .finally(() => pending.current.delete(id));
    pending.current.set(id, done);
  };

  const live = useStaffStream(
    props.hotel,
    (activity) => {
      if (activity.kind === "CREATED" && Date.parse(activity.at) >= openedAt.current - 5_000) {
        setFresh((f) => new Set(f).add(activity.request));
      }
      refetch(activity.request);
    },
    load,
  );

  const newOnes = (items ?? []).filter((r) => r.status === "NEW");
  const ringing = newOnes.some((r) => fresh.has(r.id));
  useEffect(() => {
    waiting.value = newOnes.length;
  }, [newOnes.length]);
  useEffect(() => () => void (waiting.value = 0), []);
  useEffect(() => {
    if (!ringing || muted.value) return;
    chime();
    const timer = setInterval(chime, ALERT_EVERY_MS);
    return () => clearInterval(timer);
  }, [ringing, muted.value]);

  const acknowledge = async (request: StaffRequest) => {
    setRowErrors(({ [request.id]: _, ...rest }) => rest);
    try {
      const updated = await api.post<StaffRequest>(`${base}/${request.id}/acknowledge`);
      place(updated);
      refetch(request.id);
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 409) {
        // A colleague was first: say who, and show the request as it is now.
        refetch(request.id);
        return;
      }
      setRowErrors((e) => ({ ...e, [request.id]: failure }));
    }
  };

  const setFilter = (change: Partial<Filters>) => route(`${path}${queryOf({ ...filters, ...change })}`, true);
  const departments = hotels.value[props.hotel]?.departments ?? [];
  // On a phone the filters fold away unless some are on; a desk screen has room for them.
  const wide = matchMedia("(min-width: 60rem)").matches;

  return (
    <>
      <div class="title-row">
        <Title>{t("queue.title")}</Title>
        <p class={`live live-${live}`} role="status">
          {live === "live" ? t("live.on") : live === "stopped" ? t("live.off") : t("live.reconnecting")}
        </p>
      </div>
      <div class="alert-bar">
        {ringing ? (
          <p class="ringing" role="status">
            {muted.value
              ? t("queue.waitingMuted", { count: newOnes.length })
              : t("queue.waiting", { count: newOnes.length })}
          </p>
        ) : null}
        {blocked.value && !muted.value ? (
          <button type="button" class="button" onClick={() => void allowSound()}>
            {t("queue.allowSound")}
          </button>
        ) : null}
        <label class="check">
          <input type="checkbox" checked={muted.value} onChange={(e) => setMuted(e.currentTarget.checked)} />
          {t("queue.mute")}
        </label>
      </div>
      <details class="filter-box" open={Boolean(key) || wide}>
        <summary>{key ? t("queue.filtersOn") : t("queue.filters")}</summary>
        <form
          class="filters"
          role="search"
          aria-label={t("queue.filters")}
          onSubmit={(e) => {
            e.preventDefault();
            const q = new FormData(e.currentTarget).get("q");
            setFilter({ q: typeof q === "string" ? q : "" });
          }}
        >
          <label>
            {t("queue.status")}
            <select
              value={filters.status}
              onChange={(e) => setFilter({ status: e.currentTarget.value as Filters["status"] })}
            >
              <option value="">{t("queue.open")}</option>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`status.${s}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t("queue.department")}
            <select
              value={filters.department}
              onChange={(e) => setFilter({ department: e.currentTarget.value })}
            >
              <option value="">{t("queue.all")}</option>
              {departments.map((d) => (
                <option key={d.slug} value={d.slug}>
                  {d.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t("queue.priority")}
            <select
              value={filters.priority}
              onChange={(e) => setFilter({ priority: e.currentTarget.value as Filters["priority"] })}
            >
              <option value="">{t("queue.all")}</option>
              {PRIORITIES.map((p) => (
                <option key={p} value={p}>
                  {t(`priority.${p}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t("queue.afterHours")}
            <select
              value={filters.afterHours}
              onChange={(e) => setFilter({ afterHours: e.currentTarget.value as Filters["afterHours"] })}
            >
              <option value="">{t("queue.all")}</option>
              <option value="true">{t("queue.afterHoursOnly")}</option>
              <option value="false">{t("queue.inHoursOnly")}</option>
            </select>
          </label>
          <label class="check">
            <input
              type="checkbox"
              checked={filters.overdue}
              onChange={(e) => setFilter({ overdue: e.currentTarget.checked })}
            />
            {t("queue.overdue")}
          </label>
          <label class="grow">
            {t("queue.search")}
            <input type="search" name="q" defaultValue={filters.q} key={filters.q} maxLength={100} />
          </label>
          <button class="button button-quiet" type="submit">
            {t("queue.searchButton")}
          </button>
        </form>
      </details>
      {canExport ? (
        <p>
          <a
            class="button button-quiet"
            href={`/staff/hotels/${props.hotel}/export?${exportQueryOf(filters)}`}
          >
            {t("queue.export")}
          </a>
        </p>
      ) : null}
      {error ? <Notice kind="error">{messageOf(error)}</Notice> : null}
      {items === null && !error ? <p class="loading">{t("app.loading")}</p> : null}
      {items?.length === 0 ? <p class="empty">{t("queue.empty")}</p> : null}
      {items && items.length > 0 ? (
        <ul class="queue" aria-label={t("queue.list")}>
          {items.map((request) => (
            <Row
              key={request.id}
              hotel={props.hotel}
              request={request}
              now={now}
              error={rowErrors[request.id] ?? null}
              onAcknowledge={() => void acknowledge(request)}
            />
          ))}
        </ul>
      ) : null}
      {cursor ? (
        <button type="button" class="button button-quiet button-block" onClick={() => void more()}>
          {t("queue.more")}
        </button>
      ) : null}
    </>
  );
}

function Row(props: {
  hotel: string;
  request: StaffRequest;
  now: number;
  error: unknown;
  onAcknowledge: () => void;
}) {
  const r = props.request;
  const asked = r.experience_name ?? r.details;
  const due = r.status === "NEW" ? urgency(r.created_at, r.response_due_at, props.now) : null;
  return (
    <li
      class={`request-row${due ? ` due-${due}` : ""}`}
      aria-label={t("queue.rowLabel", { room: placeOf(r.location), asked })}
    >
      <div class="row-main">
        <a class="row-link" href={`/staff/hotels/${props.hotel}/requests/${r.id}`}>
          <strong>{placeOf(r.location)}</strong> · {departmentName(props.hotel, r.department)}
        </a>
        <p class="asked">{asked}</p>
        {r.experience_name && r.details ? <p class="details">{r.details}</p> : null}
        <p class="meta">
          <span>{age(r.created_at, props.now)}</span>
          <span class={`badge status-${r.status}`}>{t(`status.${r.status}`)}</span>
          {r.priority !== "NORMAL" ? (
            <span class={`badge priority-${r.priority}`}>{t(`priority.${r.priority}`)}</span>
          ) : null}
          {r.after_hours ? <span class="badge">{t("queue.afterHoursBadge")}</span> : null}
          {r.assignee_name ? <span>{t("queue.assignedTo", { name: r.assignee_name })}</span> : null}
        </p>
      </div>
      <div class="row-side">
        {due ? <p class={`countdown countdown-${due}`}>{countdown(r.response_due_at, props.now)}</p> : null}
        {r.status === "NEW" ? (
          <button type="button" class="button" onClick={props.onAcknowledge}>
            {t("queue.acknowledge")}
          </button>
        ) : r.acknowledged_by_name ? (
          <p class="winner" role="status">
            {t("queue.acknowledgedBy", { name: r.acknowledged_by_name })}
          </p>
        ) : null}
        {props.error ? <Notice kind="error">{messageOf(props.error)}</Notice> : null}
      </div>
    </li>
  );
}
