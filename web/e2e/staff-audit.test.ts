// The audit log in the browser: a super admin changes the hotel's settings and finds the
// change, by name and in the hotel's time, from what to what; an ADMIN is shown no audit log
// and refused one typed in.
import { describe, expect, it } from "vitest";
import { desktop, expectAccessible, phone, snapshot, staffLogIn, useBrowser } from "./browser";

const browser = useBrowser();

describe("audit log", () => {
  it("lists a settings change with who, when and before and after", async () => {
    const context = await desktop(browser());
    const page = await context.newPage();
    await staffLogIn(page, "admin@demo.test", "/staff/hotels/demo/admin/settings");
    await page.waitForURL("**/admin/settings");
    const website = `https://audit-${Date.now() % 100000}.demo.test`;
    await page.getByLabel("Website").fill(website);
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByText("Saved.").waitFor();

    await page.getByRole("link", { name: "Audit log" }).click();
    await page.getByRole("heading", { name: "Audit log" }).waitFor();
    const entry = page
      .getByRole("listitem")
      .filter({ has: page.getByRole("cell", { name: website }) })
      .first();
    await entry.getByText(/^Changed by Ana Admin, \d/).waitFor();
    const row = entry.getByRole("row").filter({ has: page.getByRole("rowheader", { name: "contact" }) });
    expect(await row.getByRole("cell").last().textContent()).toContain(website);
    // The hotel's time: Europe/Lisbon, as the other staff screens show it.
    expect(await entry.getByText(/Changed by/).textContent()).toMatch(/\d{2}:\d{2}/);
    await expectAccessible(page);
    await snapshot(page, "75-audit-log");
    await context.close();
  });

  it("shows an ADMIN no audit log and refuses it typed in", async () => {
    const context = await phone(browser());
    const page = await context.newPage();
    // Straight to the demo hotel: the two-hotel login test makes the manager a member of the
    // annex too, and a person of two hotels lands on the choice of hotel.
    await staffLogIn(page, "manager@demo.test", "/staff/hotels/demo");
    await page.getByRole("link", { name: "Queue" }).waitFor();
    expect(await page.getByRole("link", { name: "Audit log" }).count()).toBe(0);
    await page.goto("/staff/hotels/demo/admin/audit");
    await page.getByRole("heading", { name: "Not for you" }).waitFor();
    const status = await page.evaluate(async () => (await fetch("/api/v1/hotels/demo/admin/audit")).status);
    expect(status).toBe(403);
    await context.close();
  });
});
