// The few components every screen uses, with the markup assistive technology expects.
import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";

/** A message: errors interrupt (alert), the rest is announced politely (status). */
export function Notice(props: { kind: "error" | "info" | "success"; children: ComponentChildren }) {
  return (
    <p role={props.kind === "error" ? "alert" : "status"} class={`notice notice-${props.kind}`}>
      {props.children}
    </p>
  );
}

/** The screen's title; it takes the focus when the screen opens, so a screen reader starts there. */
export function Title(props: { children: ComponentChildren }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <h1 ref={ref} tabIndex={-1}>
      {props.children}
    </h1>
  );
}

export function Loading(props: { label: string }) {
  return (
    <p class="loading" role="status">
      {props.label}
    </p>
  );
}

/** What a field's input carries so that its hint and error are read with it. */
export interface FieldAria {
  "aria-invalid"?: "true";
  "aria-describedby"?: string;
}

/** A labelled input with its hint and, when it was refused, what to do about it. */
export function Field(props: {
  id: string;
  label: string;
  hint?: string;
  error?: string | null;
  children: (aria: FieldAria) => ComponentChildren;
}) {
  const described = [props.hint ? `${props.id}-hint` : "", props.error ? `${props.id}-error` : ""]
    .filter(Boolean)
    .join(" ");
  const aria: FieldAria = {};
  if (props.error) aria["aria-invalid"] = "true";
  if (described) aria["aria-describedby"] = described;
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      {props.children(aria)}
      {props.hint ? (
        <p id={`${props.id}-hint`} class="hint">
          {props.hint}
        </p>
      ) : null}
      {props.error ? (
        <p id={`${props.id}-error`} class="field-error">
          {props.error}
        </p>
      ) : null}
    </div>
  );
}
