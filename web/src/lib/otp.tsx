// The phone-code step both apps' logins share: the phone field, the 6-digit code field (the
// right input types and `autocomplete` tokens, its hint and refusal read with it), and a form
// that submits without reloading and leaves checking to the server's words. Each app brings
// its own words, under the same keys (`say` is its `t`).
import type { ComponentChildren, RefObject } from "preact";
import { Field } from "./ui";

/** A form that submits by script (`noValidate`: the server's refusal says what to fix). */
export function SubmitForm(props: { onSubmit: () => void; children: ComponentChildren }) {
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        props.onSubmit();
      }}
      noValidate
    >
      {props.children}
    </form>
  );
}

interface Input {
  error: string | null;
  value: string;
  onInput: (value: string) => void;
}

export function PhoneField(props: Input & { say: (key: "login.phone" | "login.phoneHint") => string }) {
  return (
    <Field
      id="phone"
      label={props.say("login.phone")}
      hint={props.say("login.phoneHint")}
      error={props.error}
    >
      {(aria) => (
        <input
          id="phone"
          name="phone"
          type="tel"
          autocomplete="tel"
          inputMode="tel"
          required
          value={props.value}
          {...aria}
          onInput={(e) => props.onInput(e.currentTarget.value)}
        />
      )}
    </Field>
  );
}

/** The code: digits only, at most 6, offered by the phone's keyboard from the message. */
export function CodeField(
  props: Input & {
    say: (key: "login.code" | "login.codeHint") => string;
    inputRef: RefObject<HTMLInputElement | null>;
  },
) {
  return (
    <Field id="code" label={props.say("login.code")} hint={props.say("login.codeHint")} error={props.error}>
      {(aria) => (
        <input
          ref={props.inputRef}
          id="code"
          name="code"
          type="text"
          autocomplete="one-time-code"
          inputMode="numeric"
          pattern="[0-9]{6}"
          maxLength={6}
          required
          value={props.value}
          {...aria}
          onInput={(e) => props.onInput(e.currentTarget.value.replace(/\D/g, ""))}
        />
      )}
    </Field>
  );
}
