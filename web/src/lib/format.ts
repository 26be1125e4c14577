// Dates and times in the hotel's time zone, written the way the person's language writes
// them; and the conversion between the hotel's wall-clock time (what a datetime-local input
// holds) and an instant.

/** A wait as a person reads it: `45 s`, or `7:05` (minutes and seconds) from a minute on. */
export function duration(seconds: number): string {
  const whole = Math.max(0, Math.ceil(seconds));
  if (whole < 60) return `${whole} s`;
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}

export function dateTime(iso: string, language: string, timeZone: string): string {
  return new Intl.DateTimeFormat(language, {
    dateStyle: "medium",
    timeStyle: "short",
    timeZone,
  }).format(new Date(iso));
}

export function time(iso: string, language: string, timeZone: string): string {
  return new Intl.DateTimeFormat(language, { timeStyle: "short", timeZone }).format(new Date(iso));
}

/** The zone's short name at that instant, e.g. "GMT+1" or "WET", for labels. */
export function zoneName(instant: Date, language: string, timeZone: string): string {
  const part = new Intl.DateTimeFormat(language, { timeZone, timeZoneName: "short" })
    .formatToParts(instant)
    .find((p) => p.type === "timeZoneName");
  return part?.value ?? timeZone;
}

const HALF_DAY_MS = 43_200_000;

/** Milliseconds the zone is ahead of UTC at `instant`. */
function offsetAt(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(
    get("year"),
    get("month") - 1,
    get("day"),
    get("hour"),
    get("minute"),
    get("second"),
  );
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** `YYYY-MM-DDTHH:MM` of `instant` on the zone's clocks. */
export function wallClock(instant: Date, timeZone: string): string {
  const shifted = new Date(instant.getTime() + offsetAt(instant.getTime(), timeZone));
  return shifted.toISOString().slice(0, 16);
}

/**
 * The instant at which the zone's clocks show `wall` (`YYYY-MM-DDTHH:MM`). A time skipped by
 * a clock change moves forward by the change; a repeated one is its first occurrence.
 */
export function instantOf(wall: string, timeZone: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(wall);
  if (!match) return null;
  const [, y, mo, d, h, mi] = match.map(Number) as [number, number, number, number, number, number];
  const asUtc = Date.UTC(y, mo - 1, d, h, mi);
  // The zone's offsets half a day either side: one, or the two around a clock change.
  const before = offsetAt(asUtc - HALF_DAY_MS, timeZone);
  const after = offsetAt(asUtc + HALF_DAY_MS, timeZone);
  const fits = [before, after]
    .map((offset) => asUtc - offset)
    .filter((instant) => wallClock(new Date(instant), timeZone) === wall);
  if (fits.length > 0) return new Date(Math.min(...fits));
  // Skipped by the clocks going forward: read with the offset before the change.
  return new Date(asUtc - before);
}
