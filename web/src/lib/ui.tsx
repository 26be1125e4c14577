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
