// The guest's whole loop in Chromium on a phone: scan, log in with the code from the outbox,
// browse, ask, watch staff acknowledge live, cancel, see my requests, log out.
import { describe, expect, it } from "vitest";
import {
  asStaff,
  codeSent,
  expectAccessible,
  newPhone,
  phone,
  room,
  snapshot,
  staffToken,
  useBrowser,
} from "./browser";

const browser = useBrowser();

describe("a guest", () => {
  it("scans, logs in, asks for towels, sees staff acknowledge it live, cancels it", async () => {
    const context = await phone(browser());
    const page = await context.newPage();
    const guest = newPhone();
    await page.goto(`/scan/${room("demo", "101")}`);
    await page.getByRole("heading", { name: "Welcome to Demo Grand Hotel" }).waitFor();
    expect(await page.getByText("Room 101").count()).toBe(1);
    const phoneInput = page.getByLabel("Mobile number");
    expect(await phoneInput.getAttribute("type")).toBe("tel");
    expect(await phoneInput.getAttribute("autocomplete")).toBe("tel");
    await expectAccessible(page);
    await snapshot(page, "01-scan");

    await phoneInput.fill(guest);
    await page.getByRole("button", { name: "Send me a code" }).click();
    await page.getByText(`We sent a 6-digit code by WhatsApp to ${guest}.`).waitFor();
    const codeInput = page.getByLabel("Code", { exact: true });
    expect(await codeInput.getAttribute("autocomplete")).toBe("one-time-code");
    expect(await codeInput.getAttribute("inputmode")).toBe("numeric");
    await expectAccessible(page);
    await snapshot(page, "02-code");
    await codeInput.fill(await codeSent(guest, "whatsapp"));
    await page.getByLabel("Your name (optional)").fill("Alex");
    await page.getByRole("button", { name: "Log in" }).click();

    await page.getByRole("heading", { name: "What can we do for you?" }).waitFor();
    await page.getByRole("heading", { name: "Extra towels" }).waitFor();
    expect(await page.getByText("€85").count()).toBe(1);
    expect(await page.getByText("Needs confirmation").count()).toBeGreaterThan(0);
    await expectAccessible(page);
    await snapshot(page, "03-home");

    await page.getByRole("link", { name: "Ask for this: Extra towels" }).click();
    await page.getByRole("heading", { name: "Extra towels" }).waitFor();
    expect(await page.getByText(/Hotel time \(.*Europe\/Lisbon\)/).count()).toBe(1);
    await page.getByLabel("Anything we should know? (optional)").fill("Two more, please");
    await expectAccessible(page);
    await snapshot(page, "04-ask");
    await page.getByRole("button", { name: "Send request" }).click();
    await page.waitForURL(/\/requests\/[0-9a-z]{26}$/);
    const id = page.url().split("/").at(-1) ?? "";
    await page.getByText("Sent", { exact: true }).waitFor();
    await page.getByText("Live", { exact: true }).waitFor();
    await expectAccessible(page);
    await snapshot(page, "05-tracker");

    // Staff acknowledge through the API; the page shows it without reloading.
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
    const staff = await staffToken("staff@demo.test");
    const ack = await asStaff(staff, "POST", `/hotels/demo/admin/requests/${id}/acknowledge`);
    expect(ack.status).toBe(200);
    await page.getByText("Acknowledged", { exact: true }).waitFor();
    await page.getByText(/^Housekeeping acknowledged it at /).waitFor();
    await page.getByText("Housekeeping acknowledged", { exact: true }).waitFor();
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
    await snapshot(page, "06-acknowledged");

    await page.getByRole("button", { name: "Cancel request" }).click();
    await page.getByRole("button", { name: "Yes, cancel it" }).click();
    await page.getByText("Cancelled", { exact: true }).first().waitFor();
    expect(await page.getByRole("button", { name: "Cancel request" }).count()).toBe(0);

    await page.getByRole("link", { name: "My requests" }).click();
    await page.getByRole("heading", { name: "My requests" }).waitFor();
    const items = page.getByRole("main").getByRole("listitem");
    await items.first().waitFor();
    expect(await items.count()).toBe(1);
    expect(await items.first().textContent()).toContain("Extra towels");
    expect(await items.first().textContent()).toContain("Cancelled");
    await expectAccessible(page);
    await snapshot(page, "07-requests");

    await page.getByRole("button", { name: "Log out" }).click();
    await page.getByText("You are logged out. Log in again to make a request.").waitFor();
    expect(new URL(page.url()).pathname).toBe(`/scan/${room("demo", "101")}`);
    await context.close();
  });
});
