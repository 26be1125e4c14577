// How long ago, how long until a deadline, and where, as a person at a front desk reads them.
import { duration } from "../lib/format";
import { t } from "./i18n";

export function age(createdAt: string, now: number): string {
  const minutes = Math.floor((now - Date.parse(createdAt)) / 60_000);
  if (minutes < 1) return t("time.justNow");
  if (minutes < 60) return t("time.minutesAgo", { minutes });
  return t("time.hoursAgo", { hours: Math.floor(minutes / 60), minutes: minutes % 60 });
}

export type Urgency = "ok" | "near" | "past";

/** Near: the last quarter of the time allowed, or the last 2 minutes, whichever is longer. */
export function urgency(createdAt: string, dueAt: string, now: number): Urgency {
  const due = Date.parse(dueAt);
  const left = due - now;
  if (left <= 0) return "past";
  const allowed = due - Date.parse(createdAt);
  return left <= Math.max(120_000, allowed / 4) ? "near" : "ok";
}

export function countdown(dueAt: string, now: number): string {
  const left = (Date.parse(dueAt) - now) / 1000;
  return left > 0
    ? t("time.dueIn", { time: duration(left) })
    : t("time.overdueBy", { time: duration(-left) });
}

/** Where the guest is: "Room 101" for a room number, else the place as it is ("Pool bar"). */
export function placeOf(location: string): string {
  return /^\d/.test(location) ? t("queue.room", { room: location }) : location;
}
