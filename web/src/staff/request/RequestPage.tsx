// One request: what was asked and by whom, its whole history as it happens (created,
// acknowledged, moves with their reasons, notes, escalations, reminders), the moves its life
// allows (with a reason where one is needed), its assignee and priority, and internal notes.
import { useEffect, useState } from "preact/hooks";
import { api, ApiError, type Reply, type Schemas } from "../../lib/api/client";
import { dateTime } from "../../lib/format";
import { Field, Loading, Notice, Title } from "../../lib/ui";
import { messageOf } from "../errors";
import { WithMember } from "../guard";
import { t } from "../i18n";
import { PRIORITIES } from "../queue/filters";
import {
  atLeast,
  departmentName,
  timeZoneOf,
  type Activity,
  type Me,
  type Membership,
  type Priority,
  type StaffRequest,
} from "../state";
import { useNow, useStaffStream } from "../stream";
import { countdown, placeOf, urgency } from "../time";
import { movesOf, needsReason, type Move } from "./moves";

type Detail = Reply<"/api/v1/hotels/{hotel}/admin/requests/{request}", "get">;
type Member = Schemas["Member"];

export function RequestPage(props: { params: { hotel: string; id: string } }) {
  return (
    <WithMember hotel={props.params.hotel}>
      {(membership, who) => (
        <RequestScreen hotel={props.params.hotel} id={props.params.id} membership={membership} who={who} />
      )}
    </WithMember>
  );
}

function RequestScreen(props: { hotel: string; id: string; membership: Membership; who: Me }) {
  const path = `/hotels/${encodeURIComponent(props.hotel)}/admin/requests/${encodeURIComponent(props.id)}`;
  const [detail, setDetail] = useState<Detail | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [members, setMembers] = useState<Member[]>([]);
  const admin = atLeast(props.membership.role, "ADMIN");
  const now = useNow();

  const read = async () => {
    setDetail(await api.get<Detail>(path));
  };
  useEffect(() => {
    setDetail(null);
    void read().catch(setError);
  }, [path]);
  useEffect(() => {
    if (!admin) return;
    api
      .get<Reply<"/api/v1/hotels/{hotel}/admin/members", "get">>(`/hotels/${props.hotel}/admin/members`)
      .then((page) => setMembers(page.items.filter((m) => m.active)))
      .catch(() => undefined);
  }, [props.hotel, admin]);
  useStaffStream(
    props.hotel,
    (activity) => {
      if (activity.request === props.id) void read().catch(() => undefined);
    },
    read,
  );

  if (error && !detail) return <Notice kind="error">{messageOf(error)}</Notice>;
  if (!detail) return <Loading label={t("app.loading")} />;
  const r = detail.request;
  const zone = timeZoneOf(props.hotel);
  // The request names its acknowledger and assignee (as the hotel knows them), for everyone.
  const nameOf = (user: string | null, name: string | null) => {
    if (!user) return null;
    return user === props.who.user.id ? t("request.you") : name;
  };
  const due = r.status === "NEW" ? urgency(r.created_at, r.response_due_at, now) : null;

  return (
    <>
      <p>
        <a href={`/staff/hotels/${props.hotel}`}>{t("request.back")}</a>
      </p>
      <Title>
        {t("request.title", {
          room: placeOf(r.location),
          asked: r.experience_name ?? departmentName(props.hotel, r.department),
        })}
      </Title>
      <section class="card" aria-labelledby="request-about">
        <h2 id="request-about">{t("request.about")}</h2>
        <dl class="facts">
          <dt>{t("request.status")}</dt>
          <dd>
            <span class={`badge status-${r.status}`}>{t(`status.${r.status}`)}</span>
            {due ? (
              <span class={`countdown countdown-${due}`}> {countdown(r.response_due_at, now)}</span>
            ) : null}
          </dd>
          <dt>{t("request.guest")}</dt>
          <dd>
            {r.guest_name || t("request.unnamed")} · {placeOf(r.location)}
          </dd>
          <dt>{t("queue.department")}</dt>
          <dd>{departmentName(props.hotel, r.department)}</dd>
          <dt>{t("request.asked")}</dt>
          <dd class="pre">{[r.experience_name, r.details].filter(Boolean).join(" — ") || "—"}</dd>
          {r.requested_for ? (
            <>
              <dt>{t("request.for")}</dt>
              <dd>{dateTime(r.requested_for, "en-GB", zone)}</dd>
            </>
          ) : null}
          <dt>{t("request.created")}</dt>
          <dd>
            {dateTime(r.created_at, "en-GB", zone)}
            {r.after_hours ? ` · ${t("queue.afterHoursBadge")}` : ""}
          </dd>
          {r.acknowledged_by ? (
            <>
              <dt>{t("request.acknowledgedBy")}</dt>
              <dd>{nameOf(r.acknowledged_by, r.acknowledged_by_name)}</dd>
            </>
          ) : null}
          <dt>{t("request.assignee")}</dt>
          <dd>{nameOf(r.assignee, r.assignee_name) ?? t("request.nobody")}</dd>
          {r.confirmation_reason ? (
            <>
              <dt>{t("request.reason")}</dt>
              <dd>{r.confirmation_reason}</dd>
            </>
          ) : null}
        </dl>
      </section>
      <Actions path={path} request={r} who={props.who} members={admin ? members : null} onChanged={read} />
      <Notes path={path} onAdded={read} />
      <section class="card" aria-labelledby="history-title">
        <h2 id="history-title">{t("request.history")}</h2>
        <ol class="timeline">
          {detail.activity.map((a) => (
            <li key={a.id}>
              <p class="what">{describe(a)}</p>
              {!["NOTE", "ASSIGNED", "PRIORITY_CHANGED"].includes(a.kind) && a.text ? (
                <p class="pre">{a.text}</p>
              ) : null}
              {a.kind === "NOTE" ? <p class="pre note">{a.text}</p> : null}
              <p class="when">
                <time dateTime={a.at}>{dateTime(a.at, "en-GB", zone)}</time>
                {a.visible_to_guest ? "" : ` · ${t("request.internal")}`}
              </p>
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}

function describe(a: Activity): string {
  const actor = a.actor_name || t("request.system");
  switch (a.kind) {
    case "CREATED":
      return t("history.created", { actor });
    case "ACKNOWLEDGED":
      return t("history.acknowledged", { actor });
    case "STATUS_CHANGED":
      return t("history.moved", {
        actor,
        from: a.from_status ? t(`status.${a.from_status}`) : "—",
        to: a.to_status ? t(`status.${a.to_status}`) : "—",
      });
    case "ASSIGNED":
      // The server's words name who it is now ("Assigned to Sam Staff.", "No longer assigned.").
      return `${actor}: ${a.text ?? ""}`;
    case "PRIORITY_CHANGED": {
      const priority = PRIORITIES.find((p) => p === a.text);
      return t("history.priority", { actor, priority: priority ? t(`priority.${priority}`) : "—" });
    }
    case "NOTE":
      return t("history.note", { actor });
    case "ESCALATED":
      return t("history.escalated");
    case "REMINDER":
      return t("history.reminder");
    case "GUEST_LEFT":
      return t("history.guest_left");
  }
}

function Actions(props: {
  path: string;
  request: StaffRequest;
  who: Me;
  members: Member[] | null;
  onChanged: () => Promise<void>;
}) {
  const r = props.request;
  const [move, setMove] = useState<Move | null>(null);
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [said, setSaid] = useState<string | null>(null);
  const moves = movesOf(r);
  const finished = r.status !== "NEW" && moves.length === 0;

  const change = async (body: Record<string, unknown>, done: string) => {
    setBusy(true);
    setError(null);
    setSaid(null);
    try {
      await api.call("PATCH", props.path, { body });
      setMove(null);
      setReason("");
      setSaid(done);
      await props.onChanged();
    } catch (failure) {
      setError(failure);
      if (failure instanceof ApiError && failure.status === 409)
        await props.onChanged().catch(() => undefined);
    } finally {
      setBusy(false);
    }
  };
  const acknowledge = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.post(`${props.path}/acknowledge`);
      setSaid(t("request.acknowledgedDone"));
    } catch (failure) {
      if (!(failure instanceof ApiError && failure.status === 409)) setError(failure);
    } finally {
      await props.onChanged().catch(() => undefined);
      setBusy(false);
    }
  };

  return (
    <section class="card" aria-labelledby="actions-title">
      <h2 id="actions-title">{t("request.actions")}</h2>
      <div class="row">
        {r.status === "NEW" ? (
          <button type="button" class="button" disabled={busy} onClick={() => void acknowledge()}>
            {t("queue.acknowledge")}
          </button>
        ) : null}
        {moves.map((status) => (
          <button
            key={status}
            type="button"
            class={`button${status === "DECLINED" ? " button-danger" : ""}${move === status ? " chosen" : ""}`}
            aria-pressed={move === status}
            disabled={busy}
            onClick={() => setMove(status)}
          >
            {t(`move.${status}`)}
          </button>
        ))}
        {finished ? <p class="hint">{t("request.final")}</p> : null}
      </div>
      {move ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void change(
              { status: move, reason: reason.trim() || null },
              t("request.movedDone", { status: t(`status.${move}`) }),
            );
          }}
        >
          <Field
            id="reason"
            label={needsReason(move) ? t("request.reasonRequired") : t("request.reasonOptional")}
          >
            {(aria) => (
              <textarea
                id="reason"
                maxLength={500}
                required={needsReason(move)}
                value={reason}
                {...aria}
                onInput={(e) => setReason(e.currentTarget.value)}
              />
            )}
          </Field>
          <div class="row">
            <button class="button" type="submit" disabled={busy || (needsReason(move) && !reason.trim())}>
              {t("request.confirmMove", { status: t(`status.${move}`) })}
            </button>
            <button type="button" class="button button-quiet" onClick={() => setMove(null)}>
              {t("common.cancel")}
            </button>
          </div>
        </form>
      ) : null}
      <div class="row" hidden={finished}>
        <label class="inline">
          {t("request.priority")}
          <select
            value={r.priority}
            disabled={busy}
            onChange={(e) =>
              void change({ priority: e.currentTarget.value as Priority }, t("request.priorityDone"))
            }
          >
            {PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {t(`priority.${p}`)}
              </option>
            ))}
          </select>
        </label>
        {props.members ? (
          <label class="inline">
            {t("request.assignTo")}
            <select
              value={r.assignee ?? ""}
              disabled={busy}
              onChange={(e) => {
                const user = e.currentTarget.value;
                if (user) void change({ assignee: user }, t("request.assignedDone"));
              }}
            >
              <option value="" disabled>
                {t("request.nobody")}
              </option>
              {props.members.map((m) => (
                <option key={m.user} value={m.user}>
                  {m.name}
                </option>
              ))}
            </select>
          </label>
        ) : r.assignee !== props.who.user.id ? (
          <button
            type="button"
            class="button button-quiet"
            disabled={busy}
            onClick={() => void change({ assignee: props.who.user.id }, t("request.assignedDone"))}
          >
            {t("request.assignMe")}
          </button>
        ) : null}
      </div>
      {error ? <Notice kind="error">{messageOf(error)}</Notice> : null}
      {said ? <Notice kind="success">{said}</Notice> : null}
    </section>
  );
}

function Notes(props: { path: string; onAdded: () => Promise<void> }) {
  const [text, setText] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  return (
    <section class="card" aria-labelledby="notes-title">
      <h2 id="notes-title">{t("request.notes")}</h2>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          if (!text.trim()) return;
          setBusy(true);
          setError(null);
          try {
            await api.post(`${props.path}/notes`, { text: text.trim() });
            setText("");
            await props.onAdded();
          } catch (failure) {
            setError(failure);
          } finally {
            setBusy(false);
          }
        }}
      >
        <Field id="note" label={t("request.note")} hint={t("request.noteHint")}>
          {(aria) => (
            <textarea
              id="note"
              maxLength={2000}
              value={text}
              {...aria}
              onInput={(e) => setText(e.currentTarget.value)}
            />
          )}
        </Field>
        {error ? <Notice kind="error">{messageOf(error)}</Notice> : null}
        <button class="button" type="submit" disabled={busy || !text.trim()}>
          {t("request.addNote")}
        </button>
      </form>
    </section>
  );
}
