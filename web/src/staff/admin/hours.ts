// After-hours windows as a person reads them: "Every day 22:00–07:00 (overnight)", or day by
// day. A window whose end is not after its start runs past midnight into the next day.
import type { Schemas } from "../../lib/api/client";
import { t } from "../i18n";

export type Window = Schemas["Window"];
export type Weekday = Schemas["Weekday"];
export const WEEKDAYS: Weekday[] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

export function isOvernight(w: Pick<Window, "start" | "end">): boolean {
  return w.end <= w.start;
}

export function span(w: Pick<Window, "start" | "end">): string {
  return `${w.start}–${w.end}${isOvernight(w) ? ` ${t("hours.overnight")}` : ""}`;
}

export function describeHours(windows: readonly Window[]): string {
  if (windows.length === 0) return t("hours.none");
  const spans = new Set(windows.map(span));
  const days = new Set(windows.map((w) => w.day));
  if (spans.size === 1 && days.size === 7 && windows.length === 7) {
    return t("hours.everyDay", { span: [...spans][0] ?? "" });
  }
  return [...windows]
    .sort((a, b) => WEEKDAYS.indexOf(a.day) - WEEKDAYS.indexOf(b.day) || a.start.localeCompare(b.start))
    .map((w) => `${t(`day.${w.day}`)} ${span(w)}`)
    .join(", ");
}
