// Web push and the installable app: a staff member turns notifications on (the permission
// granted, `PushManager` stubbed here because Chromium's push service is unreachable, see
// FACTS), a guest asks for something, the push our backend encrypted for this subscription is
// decrypted with its keys and delivered to the service worker's `push` event, which shows the
// notification; clicking it opens the request. Offline, the app's shell says it is offline.
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
import { deliver, pushedTo, stubPushService, subscriber } from "./push";

const browser = useBrowser();

describe("web push and the installable app", () => {
  it("subscribes, shows the backend's push as a notification, and opens its request on click", async () => {
    const push = subscriber();
    const context = await phone(browser());
    await context.grantPermissions(["notifications"], { origin });
    const page = await context.newPage();
    await stubPushService(page, push);
    await staffLogIn(page, "staff@demo.test", "/staff/notifications");
    await page.getByRole("button", { name: "Turn on notifications on this device" }).click();
    await page.getByText("Notifications are on for this device.").waitFor();
    const vapid = (await (await fetch(`${origin}/api/v1/push/vapid-public-key`)).json()) as { key: string };
    const serverKey = await page.evaluate(() => (window as unknown as { serverKey: number[] }).serverKey);
    expect(Buffer.from(serverKey).toString("base64url")).toBe(vapid.key);
    await expectAccessible(page);

    const details = `Push me a pillow ${Date.now()}`;
    const id = await ask(await guestIn(room("demo", "101")), "housekeeping", details);
    const payload = await pushedTo(push);
    const message = JSON.parse(payload) as { title: string; body: string; hotel: string; request: string };
    expect(message.request).toBe(id);
    expect(message.hotel).toBe("demo");
    expect(message.body).toBe(details);

    const worker = await deliver(context, page, payload, message.title);
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
