// The request on bad wifi: a stream that drops resumes where it was (Last-Event-ID) and shows
// what happened meanwhile once; a double tap, or an answer lost on the way back, creates one
// request (Idempotency-Key).
import type { Page, Request } from "playwright-core";
import { describe, expect, it } from "vitest";
import { asStaff, logIn, newPhone, phone, room, snapshot, staffToken, useBrowser } from "./browser";
import { STREAM_MAX_SECS } from "./stack";

const browser = useBrowser();

async function askFor(page: Page, details: string) {
  await page.goto("/ask/housekeeping");
  await page.getByLabel("What do you need?").fill(details);
}

/** The guest's requests with these details, as the API lists them. */
async function requestsWith(page: Page, details: string): Promise<string[]> {
  return page.evaluate(async (d) => {
    const response = await fetch("/api/v1/me/requests?limit=100");
    const page = (await response.json()) as { items: Array<{ id: string; details: string }> };
    return page.items.filter((r) => r.details === d).map((r) => r.id);
  }, details);
}

describe("on bad wifi", () => {
  it("resumes a dropped stream where it was and shows what it missed once", async () => {
    const context = await phone(browser());
    const page = await context.newPage();
    await logIn(page, room("demo", "101"), newPhone());
    await askFor(page, "A pillow, please");
    await page.getByRole("button", { name: "Send request" }).click();
    await page.waitForURL(/\/requests\/[0-9a-z]{26}$/);
    const id = page.url().split("/").at(-1) ?? "";
    await page.getByText("Live", { exact: true }).waitFor();

    // The line drops (each stream ends after STREAM_MAX_SECS here) and reconnecting fails
    // for a while; staff acknowledge meanwhile.
    const streams: Request[] = [];
    page.on("request", (r) => {
      if (r.url().endsWith(`/me/requests/${id}/events`)) streams.push(r);
    });
    let refused = 0;
    await page.route(`**/me/requests/${id}/events`, async (route) => {
      refused += 1;
      await route.abort("internetdisconnected");
    });
    await expect.poll(() => refused, { timeout: (STREAM_MAX_SECS + 10) * 1000 }).toBeGreaterThan(0);
    await page.getByText("Reconnecting…").waitFor();
    const staff = await staffToken("staff@demo.test");
    expect((await asStaff(staff, "POST", `/hotels/demo/admin/requests/${id}/acknowledge`)).status).toBe(200);
    await page.unroute(`**/me/requests/${id}/events`);

    await page.getByText("Acknowledged", { exact: true }).waitFor({ timeout: 20_000 });
    await page.getByText("Live", { exact: true }).waitFor();
    const history = page.getByRole("region", { name: "History" }).getByRole("listitem");
    await expect
      .poll(() => history.allTextContents())
      .toEqual([expect.stringContaining("You asked"), expect.stringContaining("Housekeeping acknowledged")]);
    const sent = await Promise.all(streams.map(async (r) => (await r.allHeaders())["last-event-id"]));
    expect(sent.filter(Boolean).length, "a reconnect names the last event it had").toBeGreaterThan(0);
    await snapshot(page, "20-resumed");
    await context.close();
  });

  it("creates one request from a double tap", async () => {
    const context = await phone(browser());
    const page = await context.newPage();
    await logIn(page, room("demo", "102"), newPhone());
    const details = `Ice bucket ${Date.now()}`;
    await askFor(page, details);
    await page.getByRole("button", { name: "Send request" }).dblclick();
    await page.waitForURL(/\/requests\/[0-9a-z]{26}$/);
    expect(await requestsWith(page, details)).toHaveLength(1);
    await context.close();
  });

  it("creates one request when the answer is lost and the page tries again", async () => {
    const context = await phone(browser());
    const page = await context.newPage();
    await logIn(page, room("demo", "201"), newPhone());
    const details = `Late checkout ${Date.now()}`;
    await askFor(page, details);
    const keys: string[] = [];
    await page.route("**/api/v1/hotels/demo/requests", async (route) => {
      keys.push(route.request().headers()["idempotency-key"] ?? "");
      if (keys.length === 1) {
        // The request reaches the hotel; its answer never reaches the phone.
        await route.fetch();
        await route.abort("connectionreset");
      } else {
        await route.continue();
      }
    });
    await page.getByRole("button", { name: "Send request" }).click();
    await page.waitForURL(/\/requests\/[0-9a-z]{26}$/);
    expect(keys.length).toBe(2);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
    const created = await requestsWith(page, details);
    expect(created).toEqual([page.url().split("/").at(-1)]);

    // Another request (changed form) is a new key.
    await askFor(page, `${details} again`);
    await page.getByRole("button", { name: "Send request" }).click();
    await page.waitForURL((url) => !url.pathname.startsWith("/ask"));
    expect(keys.length).toBe(3);
    expect(keys[2]).not.toBe(keys[0]);
    await context.close();
  });
});
