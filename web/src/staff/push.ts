// Web push on this device: the service worker (registered at start; it also keeps the offline
// shell), and a subscription made with the server's VAPID key after the person asks for it
// (browsers ask for the permission only after a gesture).
import { api, type Reply } from "../lib/api/client";

const WORKER = "/staff/sw.js";
const SUBSCRIPTION_KEY = "concierge.staff.push";

export function registerWorker() {
  if (!("serviceWorker" in navigator)) return;
  void navigator.serviceWorker.register(WORKER, { scope: "/staff/" }).catch(() => undefined);
}

export function pushSupported(): boolean {
  return "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
}

function bytesOf(base64url: string): Uint8Array<ArrayBuffer> {
  const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
  const text = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

/** Whether this device has a subscription our server knows. */
export async function subscribed(): Promise<boolean> {
  if (!pushSupported() || !localStorage.getItem(SUBSCRIPTION_KEY)) return false;
  const registration = await navigator.serviceWorker.ready;
  return (await registration.pushManager.getSubscription()) !== null;
}

/** Asks for the permission, subscribes with the VAPID key and tells the server. */
export async function subscribe(): Promise<"on" | "denied"> {
  if ((await Notification.requestPermission()) !== "granted") return "denied";
  const registration = await navigator.serviceWorker.ready;
  const { key } = await api.get<Reply<"/api/v1/push/vapid-public-key", "get">>("/push/vapid-public-key");
  const subscription = await registration.pushManager.subscribe({
    userVisibleOnly: true,
    applicationServerKey: bytesOf(key),
  });
  const json = subscription.toJSON();
  const answer = await api.post<Reply<"/api/v1/push/subscriptions", "post">>("/push/subscriptions", {
    endpoint: json.endpoint,
    keys: json.keys,
  });
  localStorage.setItem(SUBSCRIPTION_KEY, answer.id);
  return "on";
}

export async function unsubscribe() {
  const id = localStorage.getItem(SUBSCRIPTION_KEY);
  if (id) await api.call("DELETE", `/push/subscriptions/${encodeURIComponent(id)}`);
  localStorage.removeItem(SUBSCRIPTION_KEY);
  const registration = await navigator.serviceWorker.ready;
  await (await registration.pushManager.getSubscription())?.unsubscribe();
}
