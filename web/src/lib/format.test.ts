import { describe, expect, it } from "vitest";
import { dateTime, duration, instantOf, wallClock } from "./format";

describe("times in the hotel's zone", () => {
  it("reads a wall-clock time in the zone as the right instant, either side of DST", () => {
    expect(instantOf("2026-07-01T09:30", "Europe/Lisbon")?.toISOString()).toBe("2026-07-01T08:30:00.000Z");
    expect(instantOf("2026-01-15T09:30", "Europe/Lisbon")?.toISOString()).toBe("2026-01-15T09:30:00.000Z");
    expect(instantOf("2026-07-01T09:30", "America/New_York")?.toISOString()).toBe("2026-07-01T13:30:00.000Z");
    expect(instantOf("2026-01-15T23:45", "Asia/Kolkata")?.toISOString()).toBe("2026-01-15T18:15:00.000Z");
  });

  it("takes the first of a repeated time and moves a skipped one forward", () => {
    // Lisbon: clocks go back 02:00 → 01:00 on 2026-10-25, forward 01:00 → 02:00 on 2026-03-29.
    expect(instantOf("2026-10-25T01:30", "Europe/Lisbon")?.toISOString()).toBe("2026-10-25T00:30:00.000Z");
    expect(instantOf("2026-03-29T01:30", "Europe/Lisbon")?.toISOString()).toBe("2026-03-29T01:30:00.000Z");
    expect(instantOf("tomorrow", "Europe/Lisbon")).toBeNull();
  });

  it("shows an instant on the zone's clocks", () => {
    expect(wallClock(new Date("2026-07-01T08:30:00Z"), "Europe/Lisbon")).toBe("2026-07-01T09:30");
    expect(wallClock(new Date("2026-12-31T23:30:00Z"), "Asia/Tokyo")).toBe("2027-01-01T08:30");
  });

  it("writes dates the way each language does", () => {
    const at = "2026-07-01T18:05:00Z";
    expect(dateTime(at, "en", "Europe/Lisbon")).toContain("7:05");
    expect(dateTime(at, "de", "Europe/Lisbon")).toContain("19:05");
    expect(dateTime(at, "fr", "Europe/Lisbon")).toMatch(/juil/);
    expect(dateTime(at, "es", "Europe/Lisbon")).toMatch(/jul/);
  });
});

describe("waits", () => {
  it("reads as seconds, then minutes and seconds", () => {
    expect(duration(0)).toBe("0 s");
    expect(duration(59.2)).toBe("1:00");
    expect(duration(45)).toBe("45 s");
    expect(duration(447)).toBe("7:27");
    expect(duration(3600)).toBe("60:00");
  });
});
