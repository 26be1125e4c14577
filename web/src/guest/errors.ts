// What to tell the guest about a failure, in their language; every message says what to do.
import { ApiError } from "../lib/api/client";
import { duration } from "../lib/format";
import { t, type Key } from "./i18n";

const BY_CODE: Record<string, Key> = {
  network: "error.network",
  unavailable: "error.unavailable",
  otp_invalid: "error.otpInvalid",
  otp_expired: "error.otpExpired",
  otp_used: "error.otpUsed",
  otp_locked: "error.otpLocked",
  bad_gateway: "error.sendFailed",
  account_disabled: "error.disabled",
  no_active_stay: "error.noStay",
  request_closed: "error.final",
  invalid_transition: "error.final",
};

export function messageOf(error: unknown): string {
  if (!(error instanceof ApiError)) return t("error.other");
  if (error.code === "rate_limited") {
    return t("error.rateLimited", { time: duration(error.retryAfter ?? 60) });
  }
  const key = BY_CODE[error.code];
  if (key) return t(key);
  if (error.status >= 500) return t("error.unavailable");
  return t("error.other");
}

/** The message for one input field, when the server refused that field. */
export function fieldError(error: unknown, field: string, key: Key): string | null {
  return error instanceof ApiError && error.code === "invalid" && field in error.fields ? t(key) : null;
}
