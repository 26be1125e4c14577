// Logging in by code: the phone, then the 6 digits sent by WhatsApp (or SMS). Says where the
// code went, that an SMS follows when WhatsApp is slow, and how long to wait before asking
// for a new code when the server says so.
import { useEffect, useRef, useState } from "preact/hooks";
import { api, ApiError, type Reply } from "../../lib/api/client";
import { duration } from "../../lib/format";
import { CodeField, PhoneField, SubmitForm } from "../../lib/otp";
import { Field, Notice } from "../../lib/ui";
import { fieldError, messageOf } from "../errors";
import { t } from "../i18n";
import type { Room } from "../state";

type Sent = Reply<"/api/v1/auth/otp/send", "post">;

/** After this long without a login, a WhatsApp code is followed by an SMS (SMS_FALLBACK_DELAY_SECS). */
export const SMS_FALLBACK_SECONDS = 30;

/** Counts down from `seconds` (null: nothing to count). */
function useCountdown(): [number, (seconds: number) => void] {
  const [left, setLeft] = useState(0);
  useEffect(() => {
    if (left <= 0) return;
    const timer = setTimeout(() => setLeft(left - 1), 1000);
    return () => clearTimeout(timer);
  }, [left]);
  return [left, setLeft];
}

export function Login(props: { room: Room; onLoggedIn: () => Promise<void> }) {
  const [phone, setPhone] = useState("");
  const [sent, setSent] = useState<Sent | null>(null);
  const [sentAt, setSentAt] = useState(0);
  const [code, setCode] = useState("");
  const [name, setName] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [wait, setWait] = useCountdown();
  const [smsComing, setSmsComing] = useState(false);
  const codeInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (!sent || sent.channel !== "WHATSAPP") return;
    setSmsComing(false);
    const timer = setTimeout(() => setSmsComing(true), SMS_FALLBACK_SECONDS * 1000);
    return () => clearTimeout(timer);
  }, [sent, sentAt]);

  const send = async () => {
    setBusy(true);
    setError(null);
    try {
      const answer = await api.post<Sent>("/auth/otp/send", { phone, qr: props.room.code });
      setSent(answer);
      setSentAt(Date.now());
      setCode("");
      setTimeout(() => codeInput.current?.focus(), 0);
    } catch (failure) {
      setError(failure);
      if (failure instanceof ApiError && failure.code === "rate_limited") setWait(failure.retryAfter ?? 60);
    } finally {
      setBusy(false);
    }
  };

  const verify = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.post("/auth/otp/verify", {
        phone,
        code: code.trim(),
        qr: props.room.code,
        name: name.trim() || null,
      });
      await props.onLoggedIn();
    } catch (failure) {
      setError(failure);
      if (failure instanceof ApiError && failure.code === "rate_limited") setWait(failure.retryAfter ?? 60);
      setBusy(false);
    }
  };

  const phoneError = fieldError(error, "phone", "error.phone");
  const codeError = fieldError(error, "code", "error.code");
  const limited = error instanceof ApiError && error.code === "rate_limited" && wait > 0;
  const general = error && !phoneError && !codeError && !limited ? messageOf(error) : null;

  if (!sent) {
    return (
      <section class="card" aria-labelledby="login-title">
        <h2 id="login-title">{t("login.title")}</h2>
        <SubmitForm onSubmit={() => void send()}>
          <PhoneField say={t} error={phoneError} value={phone} onInput={setPhone} />
          {general ? <Notice kind="error">{general}</Notice> : null}
          {wait > 0 ? <Notice kind="info">{t("login.resendIn", { time: duration(wait) })}</Notice> : null}
          <button class="button button-block" type="submit" disabled={busy || wait > 0}>
            {busy ? t("login.sending") : t("login.send")}
          </button>
        </SubmitForm>
      </section>
    );
  }

  return (
    <section class="card" aria-labelledby="login-title">
      <h2 id="login-title">{t("login.title")}</h2>
      <Notice kind="success">
        {sent.channel === "SMS" ? t("login.sentSms", { phone }) : t("login.sentWhatsapp", { phone })}
      </Notice>
      {smsComing ? <Notice kind="info">{t("login.smsComing")}</Notice> : null}
      <SubmitForm onSubmit={() => void verify()}>
        <CodeField say={t} error={codeError} value={code} onInput={setCode} inputRef={codeInput} />
        <Field id="name" label={t("login.name")}>
          {(aria) => (
            <input
              id="name"
              name="name"
              type="text"
              autocomplete="name"
              maxLength={200}
              value={name}
              {...aria}
              onInput={(e) => setName(e.currentTarget.value)}
            />
          )}
        </Field>
        {general ? <Notice kind="error">{general}</Notice> : null}
        <button class="button button-block" type="submit" disabled={busy}>
          {busy ? t("login.verifying") : t("login.verify")}
        </button>
      </SubmitForm>
      <div class="row">
        {wait > 0 ? (
          <p class="hint" role="status">
            {t("login.resendIn", { time: duration(wait) })}
          </p>
        ) : (
          <button type="button" class="button button-quiet" disabled={busy} onClick={() => void send()}>
            {t("login.resend")}
          </button>
        )}
        <button
          type="button"
          class="button button-quiet"
          onClick={() => {
            setSent(null);
            setError(null);
          }}
        >
          {t("login.otherPhone")}
        </button>
      </div>
    </section>
  );
}
