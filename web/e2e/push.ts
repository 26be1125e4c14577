// Web push as a test stands in for the browser's push service (Chromium's own is unreachable,
// see FACTS): a subscription's keys, `PushManager` stubbed on the page to hand the app that
// subscription, the stack's record of what our backend pushed to it, decrypted, and the payload
// delivered to the service worker's `push` event.
import { createDecipheriv, createECDH, createHmac, randomBytes } from "node:crypto";
import type { BrowserContext, CDPSession, Page, Worker } from "playwright-core";
import { expect } from "vitest";
import { origin } from "./browser";

/** What a browser's push service and its keys would be, for one subscription. */
export function subscriber() {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  const auth = randomBytes(16);
  const publicKey = ecdh.getPublicKey();
  const hmac = (key: Buffer, ...data: Buffer[]) =>
    createHmac("sha256", key).update(Buffer.concat(data)).digest();
  return {
    endpoint: `${origin}/_local/push/e2e-${Date.now()}`,
    p256dh: publicKey.toString("base64url"),
    auth: auth.toString("base64url"),
    /** An `aes128gcm` body (RFC 8188) decrypted as RFC 8291 says, padding removed. */
    decrypt(body: Buffer): string {
      const salt = body.subarray(0, 16);
      const idLength = body[20] ?? 0;
      const serverKey = body.subarray(21, 21 + idLength);
      const sealed = body.subarray(21 + idLength);
      const prkKey = hmac(auth, ecdh.computeSecret(serverKey));
      const ikm = hmac(prkKey, Buffer.from("WebPush: info\0"), publicKey, serverKey, Buffer.from([1]));
      const prk = hmac(salt, ikm);
      const cek = hmac(prk, Buffer.from("Content-Encoding: aes128gcm\0"), Buffer.from([1])).subarray(0, 16);
      const nonce = hmac(prk, Buffer.from("Content-Encoding: nonce\0"), Buffer.from([1])).subarray(0, 12);
      const decipher = createDecipheriv("aes-128-gcm", cek, nonce);
      decipher.setAuthTag(sealed.subarray(-16));
      const plain = Buffer.concat([decipher.update(sealed.subarray(0, -16)), decipher.final()]);
      let end = plain.length - 1;
      while (end > 0 && plain[end] === 0) end -= 1;
      expect(plain[end], "the last record's delimiter").toBe(2);
      return plain.subarray(0, end).toString("utf8");
    },
  };
}

async function registrationId(cdp: CDPSession): Promise<string> {
  const found: Array<{ registrationId: string; scopeURL: string }> = [];
  cdp.on("ServiceWorker.workerRegistrationUpdated", (event) => found.push(...event.registrations));
  await cdp.send("ServiceWorker.enable");
  await expect.poll(() => found.some((r) => r.scopeURL === `${origin}/staff/`)).toBe(true);
  return found.find((r) => r.scopeURL === `${origin}/staff/`)?.registrationId ?? "";
}

type Subscriber = ReturnType<typeof subscriber>;

/** The page's `PushManager` subscribes to `subscription`; the stub stands for the push service only. */
export async function stubPushService(
  page: Page,
  subscription: Pick<Subscriber, "endpoint" | "p256dh" | "auth">,
) {
  await page.addInitScript((sub) => {
    const subscription = {
      endpoint: sub.endpoint,
      expirationTime: null,
      toJSON: () => ({
        endpoint: sub.endpoint,
        expirationTime: null,
        keys: { p256dh: sub.p256dh, auth: sub.auth },
      }),
      getKey: () => null,
      unsubscribe: async () => true,
    };
    let current: typeof subscription | null = null;
    const seen = window as unknown as { serverKey: number[] };
    PushManager.prototype.subscribe = async function (options?: PushSubscriptionOptionsInit) {
      seen.serverKey = Array.from(new Uint8Array(options?.applicationServerKey as ArrayBuffer));
      current = subscription;
      return subscription as unknown as PushSubscription;
    };
    PushManager.prototype.getSubscription = async () => current as unknown as PushSubscription | null;
  }, subscription);
}

/** The first push our backend sent to this subscription, decrypted, waiting for it. */
export async function pushedTo(push: Subscriber): Promise<string> {
  const path = new URL(push.endpoint).pathname;
  let delivered: { encoding: string; body: number[] } | undefined;
  await expect
    .poll(
      async () => {
        const pushes = (await (await fetch(`${origin}/_local/pushes`)).json()) as Array<{
          path: string;
          encoding: string;
          body: number[];
        }>;
        delivered = pushes.find((p) => p.path === path);
        return delivered !== undefined;
      },
      { timeout: 30_000 },
    )
    .toBe(true);
  expect(delivered?.encoding).toBe("aes128gcm");
  return push.decrypt(Buffer.from(delivered?.body ?? []));
}

/** Delivers `payload` to the page's service worker and waits for its notification `title`. */
export async function deliver(
  context: BrowserContext,
  page: Page,
  payload: string,
  title: string,
): Promise<Worker> {
  const cdp = await context.newCDPSession(page);
  await cdp.send("ServiceWorker.deliverPushMessage", {
    origin,
    registrationId: await registrationId(cdp),
    data: payload,
  });
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent("serviceworker"));
  await expect
    .poll(() =>
      worker.evaluate("self.registration.getNotifications().then((all) => all.map((n) => n.title))"),
    )
    .toContain(title);
  return worker;
}
