// What the admin screens share: a list read whole (following its cursor) and its state, a
// form's busy and refused states and its save row, the form rows (text, select, checklist),
// and an image picker that previews the file and shows the upload's progress.
import type { ComponentChildren, InputHTMLAttributes } from "preact";
import { useEffect, useState } from "preact/hooks";
import { api } from "../../lib/api/client";
import { Loading, Notice } from "../../lib/ui";
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

/** Above a list: why it could not be read, what the last change said, or that it is loading. */
export function ListState(props: {
  list: { items: unknown[] | null; error: unknown };
  notices: ComponentChildren;
}) {
  return (
    <>
      {props.list.error ? <Notice kind="error">{messageOf(props.list.error)}</Notice> : null}
      {props.notices}
      {props.list.items === null ? <Loading label={t("app.loading")} /> : null}
    </>
  );
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

/** A form's end: what the server said, the submit button (off while busy) and, when editing, Cancel. */
export function SaveRow(props: {
  action: { busy: boolean; notices: ComponentChildren };
  submit?: string;
  onCancel?: () => void;
}) {
  return (
    <>
      {props.action.notices}
      <div class="row">
        <button class="button" type="submit" disabled={props.action.busy}>
          {props.submit ?? t("common.save")}
        </button>
        {props.onCancel ? (
          <button type="button" class="button button-quiet" onClick={props.onCancel}>
            {t("common.cancel")}
          </button>
        ) : null}
      </div>
    </>
  );
}

/** A labelled select in a field; `children` are its options. */
export function SelectField(props: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  children: ComponentChildren;
}) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <select id={props.id} value={props.value} onChange={(e) => props.onChange(e.currentTarget.value)}>
        {props.children}
      </select>
    </div>
  );
}

/** A group of checkboxes choosing some of `options` (departments, people). */
export function Checklist(props: {
  legend: string;
  options: Array<{ value: string; label: string }>;
  chosen: string[];
  onChange: (chosen: (all: string[]) => string[]) => void;
}) {
  return (
    <fieldset>
      <legend>{props.legend}</legend>
      {props.options.map((o) => (
        <label class="check" key={o.value}>
          <input
            type="checkbox"
            checked={props.chosen.includes(o.value)}
            onChange={(e) => {
              const on = e.currentTarget.checked;
              props.onChange((all) => (on ? [...all, o.value] : all.filter((v) => v !== o.value)));
            }}
          />
          {o.label}
        </label>
      ))}
    </fieldset>
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
            setProgress(null);
            setSaid(t("image.uploaded"));
            await props.onDone();
          } catch (failure) {
            setProgress(null);
            setError(failure);
            setPreview(null);
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
