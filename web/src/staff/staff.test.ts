import { describe, expect, it } from "vitest";
import { filtersOf, matches, queryOf } from "./queue/filters";
import { movesOf } from "./request/moves";
import type { StaffRequest } from "./state";
import { countdown, urgency } from "./time";

const request = (over: Partial<StaffRequest>): StaffRequest =>
  ({
    id: "01",
    status: "NEW",
    department: "housekeeping",
    priority: "NORMAL",
    after_hours: false,
    overdue: false,
    details: "Towels",
    experience_name: null,
    location: "101",
    guest_name: "Gina",
    ...over,
  }) as StaffRequest;

describe("queue filters", () => {
  it("round-trip through the URL, dropping what is not set or not valid", () => {
    const filters = filtersOf({ status: "NEW", priority: "HIGH", overdue: "true", q: " towel ", bogus: "x" });
    expect(queryOf(filters)).toBe("?status=NEW&priority=HIGH&overdue=true&q=towel");
    expect(filtersOf({ status: "SLEEPING", priority: "x" })).toMatchObject({ status: "", priority: "" });
    expect(queryOf(filtersOf({}))).toBe("");
  });

  it("decide whether a live request belongs in the queue", () => {
    const open = filtersOf({});
    expect(matches(request({}), open)).toBe(true);
    expect(matches(request({ status: "COMPLETED" }), open)).toBe(false);
    expect(matches(request({}), filtersOf({ department: "spa" }))).toBe(false);
    expect(matches(request({ details: "Fresh TOWELS" }), filtersOf({ q: "towels" }))).toBe(true);
    expect(matches(request({}), filtersOf({ overdue: "true" }))).toBe(false);
    expect(matches(request({ after_hours: true }), filtersOf({ after_hours: "false" }))).toBe(false);
  });
});

describe("status moves", () => {
  it("offer only what the request's life allows", () => {
    expect(movesOf({ status: "NEW", needs_confirmation: false })).toEqual([]);
    expect(movesOf({ status: "ACKNOWLEDGED", needs_confirmation: false })).toEqual(["IN_PROGRESS"]);
    expect(movesOf({ status: "ACKNOWLEDGED", needs_confirmation: true })).toEqual(["CONFIRMED", "DECLINED"]);
    expect(movesOf({ status: "CONFIRMED", needs_confirmation: true })).toEqual(["IN_PROGRESS"]);
    expect(movesOf({ status: "IN_PROGRESS", needs_confirmation: false })).toEqual(["COMPLETED"]);
    for (const status of ["COMPLETED", "DECLINED", "CANCELLED", "EXPIRED"] as const) {
      expect(movesOf({ status, needs_confirmation: true })).toEqual([]);
    }
  });
});

describe("the countdown", () => {
  const created = "2026-12-03T10:00:00Z";
  const due = "2026-12-03T10:20:00Z";
  it("is amber in the last quarter of the time allowed and red past it", () => {
    expect(urgency(created, due, Date.parse("2026-12-03T10:10:00Z"))).toBe("ok");
    expect(urgency(created, due, Date.parse("2026-12-03T10:16:00Z"))).toBe("near");
    expect(urgency(created, due, Date.parse("2026-12-03T10:20:00Z"))).toBe("past");
    expect(countdown(due, Date.parse("2026-12-03T10:18:30Z"))).toBe("Due in 1:30");
    expect(countdown(due, Date.parse("2026-12-03T10:21:05Z"))).toBe("Overdue by 1:05");
  });
});
