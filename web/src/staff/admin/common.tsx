// What the admin screens share: a list read whole (following its cursor), a form's busy and
// refused states, and an image picker that previews the file and shows the upload's progress.
import type { ComponentChildren, InputHTMLAttributes } from "preact";
import { useEffect, useState } from "preact/hooks";
import { api } from "../../lib/api/client";
import { Notice } from "../../lib/ui";
import { messageOf } from "../errors";
import { t } from "../i18n";

/** Every item of a list route, all pages; `reload` reads it again. */
export function useList<T>(path: string) {
  const [items, setItems] = useState<T[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const reload = async () => {
    try {
      const all: T[] = [];
      let cursor: string | null = null;
      do {
        const sep = path.includes("?") ? "&" : "?";
        const page: { items: T[]; next_cursor?: string | null } = await api.get(
          cursor ? `${path}${sep}cursor=${encodeURIComponent(cursor)}` : path,
        );
        all.push(...page.items);
        cursor = page.next_cursor ?? null;
      } while (cursor);
      setItems(all);
      setError(null);
    } catch (failure) {
      setError(failure);
    }
  };
  useEffect(() => void reload(), [path]);
  return { items, error, reload };
}

/** Runs one change at a time, keeping what the server said. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [said, setSaid] = useState<string | null>(null);
  const run = async (action: () => Promise<unknown>, done: string = t("common.saved")): Promise<boolean> => {
    setBusy(true);
    setError(null);
    setSaid(null);
    try {
      await action();
      setSaid(done);
      return true;
    } catch (failure) {
      setError(failure);
      return false;
    } finally {
      setBusy(false);
    }
  };
  const notices = (
    <>
      {error ? <Notice kind="error">{messageOf(error)}</Notice> : null}
      {said ? <Notice kind="success">{said}</Notice> : null}
    </>
  );
  return { busy, run, notices, error, fail: setError };
}

/** A form that does not reload the page. */
export function Form(props: { onSubmit: () => void; children: ComponentChildren; label?: string }) {
  return (
    <form
      aria-label={props.label}
      onSubmit={(e) => {
        e.preventDefault();
        props.onSubmit();
      }}
    >
      {props.children}
    </form>
  );
}

/** Picks an image, previews it, uploads it with a progress bar; the server's refusal in words. */
export function ImageUpload(props: {
  id: string;
  label: string;
  current: string | null;
  path: string;
  onDone: () => Promise<void>;
}) {
  const [preview, setPreview] = useState<string | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [said, setSaid] = useState<string | null>(null);
  const shown = preview ?? props.current;
  return (
    <div class="field image-field">
      <label for={props.id}>{props.label}</label>
      {shown ? <img class="preview" src={shown} alt={t("image.preview")} width={160} height={100} /> : null}
      <input
        id={props.id}
        type="file"
        accept="image/jpeg,image/png,image/webp"
        onChange={async (e) => {
          const file = e.currentTarget.files?.[0];
          if (!file) return;
          // A data: URL, which the app's CSP allows for images (blob: it does not).
          const reader = new FileReader();
          reader.onload = () => typeof reader.result === "string" && setPreview(reader.result);
          reader.readAsDataURL(file);
          setError(null);
          setSaid(null);
          setProgress(0);
          try {
            await api.upload(props.path, "image", file, setProgress);
            setSaid(t("image.uploaded"));
            await props.onDone();
          } catch (failure) {
            setError(failure);
            setPreview(null);
          } finally {
            setProgress(null);
          }
        }}
      />
      {progress !== null ? (
        <progress max={1} value={progress} aria-label={t("image.progress")}>
          {Math.round(progress * 100)}%
        </progress>
      ) : null}
      {error ? <Notice kind="error">{messageOf(error)}</Notice> : null}
      {said ? <Notice kind="success">{said}</Notice> : null}
    </div>
  );
}

/** A text input in a `Field`, the commonest thing on these screens. */
export function TextInput(props: {
  id: string;
  label: string;
  value: string;
  onInput: (value: string) => void;
  type?: "text" | "number" | "tel" | "email" | "url";
  autocomplete?: string;
  required?: boolean;
  disabled?: boolean;
  hint?: string;
  maxLength?: number;
  inputMode?: "text" | "tel" | "email" | "numeric";
}) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <input
        {...({ type: props.type ?? "text" } as InputHTMLAttributes)}
        id={props.id}
        autocomplete={props.autocomplete ?? "off"}
        inputMode={props.inputMode}
        required={props.required}
        disabled={props.disabled}
        maxLength={props.maxLength}
        aria-describedby={props.hint ? `${props.id}-hint` : undefined}
        value={props.value}
        onInput={(e) => props.onInput(e.currentTarget.value)}
      />
      {props.hint ? (
        <p id={`${props.id}-hint`} class="hint">
          {props.hint}
        </p>
      ) : null}
    </div>
  );
}
