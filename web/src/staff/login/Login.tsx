// Logging in: email and password, or a code sent to the phone (staff always have one). Then to
// the page the person was on when the session ended, or to their hotel (the choice of hotels
// when they belong to several).
import { useRef, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { api } from "../../lib/api/client";
import { CodeField, PhoneField, SubmitForm } from "../../lib/otp";
import { Field, Notice, Title } from "../../lib/ui";
import { fieldError, messageOf } from "../errors";
import { t } from "../i18n";
import { Layout } from "../layout/Layout";
import { arrival, homeOf, loadMe } from "../state";

/** A page to go back to: only the staff app's own pages. */
export function safeNext(next: string | undefined): string | null {
  return next && /^\/staff(\/[^/\\]|$)/.test(next) && !next.startsWith("/staff/login") ? next : null;
}

export function Login() {
  const { query, route } = useLocation();
  const [method, setMethod] = useState<"password" | "code">("password");
  const next = safeNext(query.next);

  const done = async () => {
    const who = await loadMe();
    arrival.value = null;
    if (who) route(next ?? homeOf(who));
  };

  return (
    <Layout>
      <Title>{t("login.title")}</Title>
      {arrival.value === "expired" ? <Notice kind="info">{t("login.expired")}</Notice> : null}
      {arrival.value === "loggedOut" ? <Notice kind="info">{t("login.loggedOut")}</Notice> : null}
      <section class="card narrow">
        <div class="segmented" role="group" aria-label={t("login.how")}>
          <button type="button" aria-pressed={method === "password"} onClick={() => setMethod("password")}>
            {t("login.withPassword")}
          </button>
          <button type="button" aria-pressed={method === "code"} onClick={() => setMethod("code")}>
            {t("login.withCode")}
          </button>
        </div>
        {method === "password" ? <PasswordLogin onDone={done} /> : <CodeLogin onDone={done} />}
      </section>
    </Layout>
  );
}

function PasswordLogin(props: { onDone: () => Promise<void> }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.post("/auth/token", { email: email.trim(), password });
      await props.onDone();
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  };
  const emailError = fieldError(error, "email");
  const passwordError = fieldError(error, "password");
  return (
    <SubmitForm onSubmit={() => void submit()}>
      <Field id="email" label={t("login.email")} error={emailError}>
        {(aria) => (
          <input
            id="email"
            name="username"
            type="email"
            autocomplete="username"
            inputMode="email"
            required
            value={email}
            {...aria}
            onInput={(e) => setEmail(e.currentTarget.value)}
          />
        )}
      </Field>
      <Field id="password" label={t("login.password")} error={passwordError}>
        {(aria) => (
          <input
            id="password"
            name="password"
            type="password"
            autocomplete="current-password"
            required
            value={password}
            {...aria}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        )}
      </Field>
      {error && !emailError && !passwordError ? <Notice kind="error">{messageOf(error)}</Notice> : null}
      <button class="button button-block" type="submit" disabled={busy}>
        {busy ? t("login.working") : t("login.submit")}
      </button>
    </SubmitForm>
  );
}

function CodeLogin(props: { onDone: () => Promise<void> }) {
  const [phone, setPhone] = useState("");
  const [sent, setSent] = useState<string | null>(null);
  const [code, setCode] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const codeInput = useRef<HTMLInputElement>(null);

  const send = async () => {
    setBusy(true);
    setError(null);
    try {
      const answer = await api.post<{ channel: "WHATSAPP" | "SMS" }>("/auth/otp/send", { phone });
      setSent(answer.channel === "SMS" ? t("login.sentSms", { phone }) : t("login.sentWhatsapp", { phone }));
      setCode("");
      setTimeout(() => codeInput.current?.focus(), 0);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  const verify = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.post("/auth/otp/verify", { phone, code: code.trim() });
      await props.onDone();
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  };
  const phoneError = fieldError(error, "phone");
  const codeError = fieldError(error, "code");
  const general = error && !phoneError && !codeError ? messageOf(error) : null;

  if (!sent) {
    return (
      <SubmitForm onSubmit={() => void send()}>
        <PhoneField say={t} error={phoneError} value={phone} onInput={setPhone} />
        {general ? <Notice kind="error">{general}</Notice> : null}
        <button class="button button-block" type="submit" disabled={busy}>
          {busy ? t("login.working") : t("login.send")}
        </button>
      </SubmitForm>
    );
  }
  return (
    <SubmitForm onSubmit={() => void verify()}>
      <Notice kind="success">{sent}</Notice>
      <CodeField say={t} error={codeError} value={code} onInput={setCode} inputRef={codeInput} />
      {general ? <Notice kind="error">{general}</Notice> : null}
      <button class="button button-block" type="submit" disabled={busy}>
        {busy ? t("login.working") : t("login.submit")}
      </button>
      <div class="row">
        <button type="button" class="button button-quiet" disabled={busy} onClick={() => void send()}>
          {t("login.resend")}
        </button>
        <button type="button" class="button button-quiet" onClick={() => setSent(null)}>
          {t("login.otherPhone")}
        </button>
      </div>
    </SubmitForm>
  );
}
