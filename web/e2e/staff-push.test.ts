// Web push and the installable app: a staff member turns notifications on (the permission
// granted, `PushManager` stubbed here because Chromium's push service is unreachable, see
// FACTS), a guest asks for something, the push our backend encrypted for this subscription is
// decrypted with its keys and delivered to the service worker's `push` event, which shows the
// notification; clicking it opens the request. Offline, the app's shell says it is offline.
import { createDecipheriv, createECDH, createHmac, randomBytes } from "node:crypto";
import type { CDPSession } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  ask,
  expectAccessible,
  guestIn,
  origin,
  phone,
  room,
  snapshot,
  staffLogIn,
  useBrowser,
} from "./browser";

const browser = useBrowser();

/** What a browser's push service and its keys would be, for one subscription. */
function subscriber() {
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

describe("web push and the installable app", () => {
  it("subscribes, shows the backend's push as a notification, and opens its request on click", async () => {
    const push = subscriber();
    const context = await phone(browser());
    await context.grantPermissions(["notifications"], { origin });
    const page = await context.newPage();
    // The stub stands for Chromium's push service only; everything else is the app's own.
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
    }, push);
    await staffLogIn(page, "staff@demo.test", "/staff/notifications");
    await page.getByRole("button", { name: "Turn on notifications on this device" }).click();
    await page.getByText("Notifications are on for this device.").waitFor();
    const vapid = (await (await fetch(`${origin}/api/v1/push/vapid-public-key`)).json()) as { key: string };
    const serverKey = await page.evaluate(() => (window as unknown as { serverKey: number[] }).serverKey);
    expect(Buffer.from(serverKey).toString("base64url")).toBe(vapid.key);
    await expectAccessible(page);

    const details = `Push me a pillow ${Date.now()}`;
    const id = await ask(await guestIn(room("demo", "101")), "housekeeping", details);
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
    const payload = push.decrypt(Buffer.from(delivered?.body ?? []));
    const message = JSON.parse(payload) as { title: string; body: string; hotel: string; request: string };
    expect(message.request).toBe(id);
    expect(message.hotel).toBe("demo");
    expect(message.body).toBe(details);

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
      .toContain(message.title);
    const opened: string[] = [];
    page.on("framenavigated", (frame) => {
      if (frame === page.mainFrame()) opened.push(new URL(frame.url()).pathname);
    });
    await worker.evaluate(`self.registration.getNotifications().then(([shown]) =>
      self.dispatchEvent(new NotificationEvent("notificationclick", { notification: shown })))`);
    await page.waitForURL(`**/staff/hotels/demo/requests/${id}`);
    // Straight to the request's page in its hotel, with no stop on the way.
    expect(opened).toEqual([`/staff/hotels/demo/requests/${id}`]);
    await page.getByText(details).waitFor();
    await context.close();
  });

  it("is installable and, offline, shows its shell saying so instead of a browser error", async () => {
    const context = await phone(browser());
    const page = await context.newPage();
    await staffLogIn(page, "staff@demo.test");
    const manifest = (await (await fetch(`${origin}/staff/manifest.webmanifest`)).json()) as Record<
      string,
      unknown
    >;
    expect(manifest).toMatchObject({ start_url: "/staff/", scope: "/staff/", display: "standalone" });
    expect(await page.locator('link[rel="manifest"]').getAttribute("href")).toBe(
      "/staff/manifest.webmanifest",
    );
    await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);

    await context.setOffline(true);
    await page.reload();
    await page.getByText(/^You are offline\./).waitFor();
    await page.getByText("No connection. Check the network and try again.").waitFor();
    await expectAccessible(page);
    await snapshot(page, "70-offline");
    await context.setOffline(false);
    await page.getByRole("button", { name: "Try again" }).click();
    await page.getByRole("heading", { name: "Requests" }).waitFor();
    await context.close();
  });
});
