// What to tell staff about a failure; every message says what to do. The server's own message
// is used where it already says it in words (a refusal of the identity rules, an image the
// server would not take, a field it refused).
import { ApiError } from "../lib/api/client";
import { duration } from "../lib/format";
import { t, type Key } from "./i18n";

const BY_CODE: Record<string, Key> = {
  network: "error.network",
  unavailable: "error.unavailable",
  invalid_credentials: "error.credentials",
  account_disabled: "error.disabled",
  otp_invalid: "error.otpInvalid",
  otp_expired: "error.otpExpired",
  otp_used: "error.otpUsed",
  otp_locked: "error.otpLocked",
  bad_gateway: "error.sendFailed",
  request_closed: "error.closed",
  invalid_transition: "error.moved",
  request_changed: "error.moved",
  payload_too_large: "error.tooLarge",
};

export function messageOf(error: unknown): string {
  if (!(error instanceof ApiError)) return t("error.other");
  if (error.code === "rate_limited") {
    return t("error.rateLimited", { time: duration(error.retryAfter ?? 60) });
  }
  const key = BY_CODE[error.code];
  if (key) return t(key);
  if (error.status >= 500 || error.status === 0) return t("error.unavailable");
  if (error.code === "forbidden") return t("error.forbidden");
  // The API's other refusals (a field, a duplicate, an identity rule, an image) are written
  // for the person who tried.
  return error.message || t("error.other");
}

/** What the server said about one field, when it refused that field. */
export function fieldError(error: unknown, field: string): string | null {
  if (!(error instanceof ApiError) || error.code !== "invalid") return null;
  const why = error.fields[field];
  return why ? `${why.charAt(0).toUpperCase()}${why.slice(1)}.` : null;
}
