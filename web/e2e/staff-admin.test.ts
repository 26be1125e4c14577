// Running the hotel from the browser: a STAFF member is shown no admin screen and refused one
// typed in; admins set up departments (overnight after-hours windows shown as such),
// experiences (order, pictures, refusals in words), members (the identity rules' refusal shown
// plainly), QR codes and their printable A4 sheet, settings, stays; the dashboard's charts load
// with the dashboard alone; the operator sees the hotels and the platform's health.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  ask,
  desktop,
  expectAccessible,
  guestIn,
  newPhone,
  origin,
  phone,
  png,
  room,
  snapshot,
  staffLogIn,
  useBrowser,
} from "./browser";

const browser = useBrowser();

async function asAdmin(path: string): Promise<Page> {
  const context = await desktop(browser());
  const page = await context.newPage();
  await staffLogIn(page, "admin@demo.test", path);
  await page.waitForURL(`**${path}`);
  return page;
}

describe("admin screens", () => {
  it("shows a STAFF member no admin screen, and refuses one typed in", async () => {
    const context = await phone(browser());
    const page = await context.newPage();
    await staffLogIn(page, "staff@demo.test");
    await page.getByRole("link", { name: "Queue" }).waitFor();
    for (const name of ["Departments", "Experiences", "Members", "QR codes", "Hotel settings"]) {
      expect(await page.getByRole("link", { name }).count(), name).toBe(0);
    }
    for (const screen of ["members", "departments", "qr-codes/sheet", "settings"]) {
      await page.goto(`/staff/hotels/demo/admin/${screen}`);
      await page.getByRole("heading", { name: "Not for you" }).waitFor();
      await page
        .getByRole("alert")
        .filter({ hasText: /admins/ })
        .waitFor();
      expect(await page.getByRole("button", { name: /Invite|Create|Print/ }).count()).toBe(0);
    }
    const status = await page.evaluate(async () => (await fetch("/api/v1/hotels/demo/admin/members")).status);
    expect(status).toBe(403);
    await expectAccessible(page);
    await snapshot(page, "60-staff-refused");
    await context.close();
  });

  it("edits departments with overnight after-hours windows and escalation contacts", async () => {
    const page = await asAdmin("/staff/hotels/demo/admin/departments");
    const housekeeping = page
      .getByRole("listitem")
      .filter({ has: page.getByRole("heading", { name: "Housekeeping" }) });
    await housekeeping.getByText("After hours: Every day 22:00–07:00 (overnight)").waitFor();
    await housekeeping.getByText("Respond within 15 min (30 min after hours).").waitFor();

    const form = page.getByRole("form", { name: "New department" });
    const slug = `valet-${Date.now() % 100000}`;
    await form.getByLabel("Short name in links").fill(slug);
    await form.getByLabel("Name", { exact: true }).fill("Valet");
    await form.getByLabel("Response time (minutes)").fill("10");
    await form.getByLabel("Response time after hours (minutes)").fill("20");
    await form.getByRole("button", { name: "Add a window" }).click();
    await form.getByLabel("Day").selectOption("fri");
    await form.getByLabel("From").fill("23:00");
    await form.getByLabel("Until").fill("06:00");
    await form.getByText("Runs overnight: ends at 06:00 the next day.").waitFor();
    await form.getByLabel("Sam Staff").check();
    await expectAccessible(page);
    await form.getByRole("button", { name: "Create department" }).click();
    const valet = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: "Valet" }) });
    await valet.getByText("After hours: Fri 23:00–06:00 (overnight)").waitFor();
    await valet.getByText("Respond within 10 min (20 min after hours).").waitFor();
    await valet.getByText("Escalation contacts: Sam Staff").waitFor();
    await snapshot(page, "61-departments");

    await valet.getByRole("button", { name: "Edit Valet" }).click();
    const edit = page.getByRole("form", { name: "Edit Valet" });
    await edit.getByRole("button", { name: "Use 23:00–06:00 every day" }).click();
    await edit.getByRole("button", { name: "Save" }).click();
    await valet.getByText("After hours: Every day 23:00–06:00 (overnight)").waitFor();
    await valet.getByRole("button", { name: "Deactivate Valet" }).click();
    await valet.getByText("Inactive", { exact: true }).waitFor();
    await page.context().close();
  });

  it("creates, orders, pictures and deactivates experiences, saying why a file is refused", async () => {
    const page = await asAdmin("/staff/hotels/demo/admin/experiences");
    const name = `Late checkout ${Date.now() % 100000}`;
    const form = page.getByRole("form", { name: "New experience" });
    await form.getByLabel("Department").selectOption("concierge");
    await form.getByLabel("Name", { exact: true }).fill(name);
    await form.getByLabel("Price (as guests read it)").fill("€30");
    await form.getByRole("button", { name: "Create experience" }).click();
    const item = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name }) });
    await item.waitFor();

    await item.getByLabel(`Picture of ${name}`).setInputFiles({
      name: "notes.txt",
      mimeType: "text/plain",
      buffer: Buffer.from("not a picture"),
    });
    const refusal = item.getByRole("alert");
    await refusal.waitFor();
    expect((await refusal.textContent())?.length).toBeGreaterThan(10);
    expect(await refusal.textContent()).not.toMatch(/went wrong/);
    await item.getByLabel(`Picture of ${name}`).setInputFiles({
      name: "towel.png",
      mimeType: "image/png",
      buffer: png(320, 200, [30, 120, 90]),
    });
    await item.getByText("Picture saved.").waitFor();
    await expect
      .poll(() => item.getByRole("img").evaluate((img) => (img as HTMLImageElement).naturalWidth))
      .toBeGreaterThan(0);

    const names = async () =>
      page.getByRole("list", { name: "Experiences" }).getByRole("heading").allTextContents();
    const before = await names();
    const at = before.indexOf(name);
    await item.getByRole("button", { name: `Move ${name} up` }).click();
    await expect.poll(async () => (await names()).indexOf(name)).toBe(at - 1);
    await expectAccessible(page);
    await snapshot(page, "62-experiences");
    await item.getByRole("button", { name: `Deactivate ${name}` }).click();
    await item.getByText("Inactive", { exact: true }).waitFor();
    await page.context().close();
  });

  it("invites members, and shows the identity rules' refusal in words", async () => {
    const page = await asAdmin("/staff/hotels/demo/admin/members");
    const form = page.getByRole("form", { name: "Invite a member" });
    const name = `Nina Night ${Date.now() % 100000}`;
    await form.getByLabel("Name", { exact: true }).fill(name);
    await form.getByLabel("Mobile number").fill(newPhone());
    await form.getByLabel("Housekeeping").check();
    await form.getByRole("button", { name: "Invite" }).click();
    const nina = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name }) });
    await nina.getByText("Departments: Housekeeping").waitFor();

    // Sam has signed in: his phone is his own, not the hotel's to change.
    const sam = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: "Sam Staff" }) });
    await sam.getByRole("button", { name: "Edit Sam Staff" }).click();
    const edit = page.getByRole("form", { name: "Edit Sam Staff" });
    await edit.getByText("This phone and email belong to the person: only they can change them.").waitFor();
    await edit.getByLabel("Mobile number").fill(newPhone());
    await edit.getByRole("button", { name: "Save" }).click();
    const refusal = edit.getByRole("alert");
    await refusal.waitFor();
    expect(await refusal.textContent()).not.toMatch(/went wrong|role does not allow/);
    await expectAccessible(page);
    await snapshot(page, "63-members-refused");
    await edit.getByRole("button", { name: "Cancel" }).click();
    await nina.getByRole("button", { name: `Deactivate ${name}` }).click();
    await nina.getByText(/Inactive/).waitFor();
    await page.context().close();
  });

  it("creates QR codes and renders their printable A4 sheet", async () => {
    const page = await asAdmin("/staff/hotels/demo/admin/qr-codes");
    const place = `Spa lobby ${Date.now() % 100000}`;
    await page.getByLabel("Room or place").fill(place);
    await page.getByLabel("Label", { exact: true }).fill("By the lifts");
    await page.getByRole("button", { name: "Create QR code" }).click();
    const item = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: place }) });
    await item.getByText("Scanned 0 times · Active").waitFor();
    await page.getByRole("link", { name: "Printable sheet" }).click();
    const sheet = page.getByRole("list", { name: "Printable sheet" });
    await sheet.getByText(place).waitFor();
    const images = sheet.getByRole("img");
    expect(await images.count()).toBeGreaterThanOrEqual(5);
    await expect
      .poll(() => images.evaluateAll((all) => all.every((i) => (i as HTMLImageElement).naturalWidth > 0)))
      .toBe(true);
    await expectAccessible(page);
    await page.emulateMedia({ media: "print" });
    await snapshot(page, "64-qr-sheet-print");
    const pdf = await page.pdf({ format: "A4" });
    expect(pdf.subarray(0, 4).toString()).toBe("%PDF");
    await page.context().close();
  });

  it("uploads the hotel's logo with a preview and progress, says why a file is refused, and guests see it", async () => {
    const page = await asAdmin("/staff/hotels/demo/admin/settings");
    const logo = page.getByLabel("Logo");
    const field = page.locator(".image-field");
    await logo.setInputFiles({
      name: "notes.txt",
      mimeType: "text/plain",
      buffer: Buffer.from("not a picture"),
    });
    await field.getByRole("alert").getByText("Upload a JPEG, PNG or WebP image.").waitFor();
    // Over the 10 MB the server takes: refused before it is read as an image.
    const huge = Buffer.concat([png(8, 8, [0, 0, 0]), Buffer.alloc(11 * 1024 * 1024)]);
    await logo.setInputFiles({ name: "huge.png", mimeType: "image/png", buffer: huge });
    await field
      .getByRole("alert")
      .getByText("This file is too large. Upload an image of at most 10 MB.")
      .waitFor();

    // The answer held back a moment, so that the preview and the progress bar can be seen.
    let release = () => undefined as void;
    const held = new Promise<void>((done) => (release = done));
    await page.route("**/api/v1/hotels/demo/admin/logo", async (route) => {
      await held;
      await route.continue();
    });
    await logo.setInputFiles({
      name: "logo.png",
      mimeType: "image/png",
      buffer: png(240, 120, [160, 40, 40]),
    });
    await field.getByRole("progressbar", { name: "Uploading the picture" }).waitFor();
    const preview = field.getByRole("img", { name: "The picture as it will be shown" });
    expect(await preview.getAttribute("src")).toMatch(/^data:image\/png;base64,/);
    expect(await field.getByRole("alert").count()).toBe(0);
    await expectAccessible(page);
    await snapshot(page, "68-logo-uploading");
    release();
    await field.getByText("Picture saved.").waitFor();
    await expect.poll(() => field.getByRole("progressbar").count()).toBe(0);
    await page.unroute("**/api/v1/hotels/demo/admin/logo");

    const hotel = (await (await fetch(`${origin}/api/v1/hotels/demo`)).json()) as {
      branding: { logo_url: string | null };
    };
    const url = hotel.branding.logo_url;
    expect(url).toMatch(/\/logo\//);
    await page.reload();
    await expect.poll(() => preview.getAttribute("src")).toBe(url);
    await expect
      .poll(() => preview.evaluate((img) => (img as HTMLImageElement).naturalWidth))
      .toBeGreaterThan(0);
    await page.context().close();

    // The guest app's masthead shows it from the room's page on.
    const guest = await phone(browser());
    const scan = await guest.newPage();
    await scan.goto(`/scan/${room("demo", "101")}`);
    const shown = scan.locator("header img.logo");
    await expect.poll(() => shown.getAttribute("src")).toBe(url);
    await expect
      .poll(() => shown.evaluate((img) => (img as HTMLImageElement).naturalWidth))
      .toBeGreaterThan(0);
    await guest.close();
  });

  it("saves the hotel's settings and ends a guest's stay early", async () => {
    const page = await asAdmin("/staff/hotels/demo/admin/settings");
    await page.getByLabel("Front desk phone").fill("+351 210 000 001");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByText("Saved.").waitFor();
    await page.reload();
    await expect.poll(() => page.getByLabel("Front desk phone").inputValue()).toBe("+351210000001");
    await expectAccessible(page);

    const guest = await guestIn(room("demo", "Pool bar"));
    await page.goto("/staff/hotels/demo/stays");
    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByRole("button", { name: "End the stay in Pool bar now" }).first().click();
    await page.getByText("Stay ended.").waitFor();
    await snapshot(page, "65-stays");
    const refused = await fetch(`${new URL(page.url()).origin}/api/v1/hotels/demo/requests`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${guest.token}`,
        "content-type": "application/json",
        "idempotency-key": crypto.randomUUID(),
      },
      body: JSON.stringify({ department: "housekeeping", details: "After the stay" }),
    });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(refused.status).toBeLessThan(500);
    await page.context().close();
  });
});

describe("the dashboard and the operator", () => {
  it("draws the dashboard's charts, loaded with the dashboard alone", async () => {
    await ask(await guestIn(room("demo", "101")), "housekeeping", `Dashboard towels ${Date.now()}`);
    const context = await desktop(browser());
    const page = await context.newPage();
    const scripts: string[] = [];
    page.on("request", (r) => {
      if (r.resourceType() === "script") scripts.push(new URL(r.url()).pathname);
    });
    await staffLogIn(page, "admin@demo.test");
    await page.getByRole("heading", { name: "Requests" }).waitFor();
    expect(scripts.some((s) => s.includes("Dashboard"))).toBe(false);
    await page.getByRole("link", { name: "Dashboard" }).click();
    await page.getByRole("heading", { name: "Dashboard" }).waitFor();
    expect(scripts.some((s) => s.includes("Dashboard"))).toBe(true);
    await page.getByText("Open now").waitFor();
    const byStatus = page.getByRole("img", { name: /Open requests by status/ });
    await byStatus.waitFor();
    expect(await byStatus.getAttribute("aria-labelledby")).toBeTruthy();
    await page.getByRole("figure", { name: "Today" }).getByText("Time to acknowledge, median").waitFor();
    await page
      .getByRole("figure", { name: "The last 7 days" })
      .getByText(/Within the response time/)
      .waitFor();
    await expectAccessible(page);
    await snapshot(page, "66-dashboard");
    await context.close();
  });

  it("lists and creates hotels and shows the platform's health to the operator", async () => {
    const context = await desktop(browser());
    const page = await context.newPage();
    await staffLogIn(page, "operator@demo.test");
    await page.waitForURL("**/staff/operator");
    await page.getByRole("heading", { name: "Platform health" }).waitFor();
    await page.getByRole("table").getByRole("row").nth(1).waitFor();
    const list = page.getByRole("list", { name: "Hotels" });
    await list.getByText("Demo Grand Hotel").waitFor();
    const slug = `e2e-${Date.now() % 1000000}`;
    await page.getByLabel("Short name in links").fill(slug);
    await page.getByLabel("Hotel name").fill("E2E Palace");
    await page
      .getByRole("group", { name: "Its first super admin" })
      .getByLabel("Name", { exact: true })
      .fill("Paula Palace");
    await page.getByLabel("Mobile number").fill(newPhone());
    await page.getByRole("button", { name: "Create hotel" }).click();
    await page.getByText(/Hotel created/).waitFor();
    await list.getByText("E2E Palace").waitFor();
    await expectAccessible(page);
    await snapshot(page, "67-operator");
    await context.close();
  });
});
