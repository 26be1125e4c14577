// The queue's audible alert: a short chime, repeated while a new request waits, unless this
// device is muted (kept on the device). Browsers start sound only after a gesture: while they
// hold it back the queue offers a button to turn it on.
import { signal } from "@preact/signals";

const MUTED_KEY = "concierge.staff.muted";

export const muted = signal(typeof localStorage !== "undefined" && localStorage.getItem(MUTED_KEY) === "1");
/** Whether the browser is holding the sound back until a gesture. */
export const blocked = signal(false);

export function setMuted(value: boolean) {
  muted.value = value;
  localStorage.setItem(MUTED_KEY, value ? "1" : "0");
}

/** How often the chime repeats while a new request waits. */
export const ALERT_EVERY_MS = 5_000;

let context: AudioContext | null = null;

export function chime() {
  context ??= new AudioContext();
  const start = context.currentTime;
  const gain = context.createGain();
  gain.gain.setValueAtTime(0.25, start);
  gain.gain.exponentialRampToValueAtTime(0.001, start + 0.9);
  gain.connect(context.destination);
  for (const [offset, frequency] of [
    [0, 880],
    [0.18, 1320],
  ] as const) {
    const tone = context.createOscillator();
    tone.frequency.value = frequency;
    tone.connect(gain);
    tone.start(start + offset);
    tone.stop(start + offset + 0.6);
  }
  blocked.value = context.state === "suspended";
}

/** After a gesture: let the sound out. */
export async function allowSound() {
  context ??= new AudioContext();
  await context.resume();
  blocked.value = context.state === "suspended";
}
