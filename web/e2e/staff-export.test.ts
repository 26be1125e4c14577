// The CSV export in the browser: an ADMIN's queue has an "Export CSV" control that exports what
// the current filters show, through the export page the daily digest links to; a STAFF member
// has no such control.
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import {
  ask,
  desktop,
  expectAccessible,
  guestIn,
  phone,
  room,
  snapshot,
  staffLogIn,
  useBrowser,
} from "./browser";

const browser = useBrowser();

describe("CSV export", () => {
  it("exports what the queue's filters show, as a file", async () => {
    const guest = await guestIn(room("demo", "101"));
    const details = `=1+1 export ${Date.now() % 100000}`;
    await ask(guest, "housekeeping", details);
    const context = await desktop(browser());
    const page = await context.newPage();
    await staffLogIn(page, "manager@demo.test", "/staff/hotels/demo?status=NEW&department=housekeeping");
    await page.waitForURL("**/staff/hotels/demo?**");
    const control = page.getByRole("link", { name: "Export CSV" });
    expect(await control.getAttribute("href")).toBe(
      "/staff/hotels/demo/export?status=NEW&department=housekeeping",
    );
    const downloaded = page.waitForEvent("download");
    await control.click();
    await page.getByRole("heading", { name: "Export requests" }).waitFor();
    const download = await downloaded;
    expect(download.suggestedFilename()).toMatch(/^requests-demo-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = await readFile(await download.path(), "utf8");
    const [header, ...rows] = csv.split("\r\n");
    expect(header?.startsWith("id,created,room,department,")).toBe(true);
    const mine = rows.find((row) => row.includes(`export ${details.split(" ").pop()}`));
    expect(mine, csv).toContain(`'${details}`);
    expect(mine).toContain(",Housekeeping,");
    expect(rows.every((row) => row === "" || row.includes(",NEW,"))).toBe(true);
    await page
      .getByRole("status")
      .filter({ hasText: /Requests in the file: \d+\./ })
      .waitFor();
    await page.getByRole("link", { name: /^Download requests-demo-/ }).waitFor();
    await expectAccessible(page);
    await snapshot(page, "76-export");

    // The digest's link names a day; the page asks for that day in the hotel's time.
    const daily = page.waitForEvent("download");
    await page.goto(`/staff/hotels/demo/export?day=${new Date().toISOString().slice(0, 10)}`);
    const day = await readFile(await (await daily).path(), "utf8");
    expect(day).toContain(`'${details}`);
    await context.close();
  });

  it("gives a STAFF member no export", async () => {
    const context = await phone(browser());
    const page = await context.newPage();
    await staffLogIn(page, "staff@demo.test");
    await page.getByRole("link", { name: "Queue" }).waitFor();
    expect(await page.getByRole("link", { name: "Export CSV" }).count()).toBe(0);
    await page.goto("/staff/hotels/demo/export");
    await page.getByRole("heading", { name: "Not for you" }).waitFor();
    await context.close();
  });
});
