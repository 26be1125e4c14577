// The live queue: a guest's request appears without a reload, with its room, department,
// what was asked, its age and a countdown that turns amber near the deadline and red past
// it; it chimes until acknowledged (mutable per device) and counts in the tab's title;
// filters live in the URL and long queues page; and of two staff acknowledging at once one
// wins and the other is told who, not shown an error.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  ask,
  asStaff,
  countChimes,
  desktop,
  expectAccessible,
  guestIn,
  phone,
  room,
  snapshot,
  staffLogIn,
  staffToken,
  useBrowser,
} from "./browser";

const browser = useBrowser();

const rowOf = (page: Page, text: string) => page.getByRole("listitem").filter({ hasText: text });

describe("the live queue", () => {
  it("shows a new request live, chimes until it is acknowledged, and counts it in the title", async () => {
    const context = await phone(browser());
    const page = await context.newPage();
    const chimes = await countChimes(page);
    await page.clock.install();
    await staffLogIn(page, "staff@demo.test");
    await page.getByText("Live", { exact: true }).waitFor();
    const guest = await guestIn(room("demo", "101"));
    const details = `Two more pillows ${Date.now()}`;
    const id = await ask(guest, "housekeeping", details);

    const row = rowOf(page, details);
    await row.waitFor();
    await row.getByRole("link", { name: "Room 101 · Housekeeping" }).waitFor();
    await row.getByText("Asked just now").waitFor();
    await row.getByText(/^Due in \d+:\d\d$/).waitFor();
    await page.getByText(/new waiting: the alert sounds until someone acknowledges/).waitFor();
    await expect.poll(() => page.title()).toMatch(/^\(\d+\) new · Demo Grand Hotel · Concierge Staff$/);
    // The chime repeats while the request waits.
    await expect.poll(chimes).toBeGreaterThanOrEqual(1);
    const first = await chimes();
    await page.clock.runFor(11_000);
    expect(await chimes()).toBeGreaterThanOrEqual(first + 2);
    await expectAccessible(page);
    await snapshot(page, "40-queue-new");

    // Muted on this device: no more chimes, and it stays muted after a reload.
    await page.getByLabel("Mute the alert on this device").check();
    const muted = await chimes();
    await page.clock.runFor(11_000);
    expect(await chimes()).toBe(muted);
    await page.getByText(/new waiting \(sound muted on this device\)/).waitFor();
    await page.reload();
    expect(await page.getByLabel("Mute the alert on this device").isChecked()).toBe(true);
    await page.getByLabel("Mute the alert on this device").uncheck();

    // Near the deadline the countdown is amber; past it, red.
    const staff = await staffToken("staff@demo.test");
    const due = (await asStaff(staff, "GET", `/hotels/demo/admin/requests/${id}`)).body as {
      request: { response_due_at: string };
    };
    await page.clock.fastForward(Date.parse(due.request.response_due_at) - 60_000 - Date.now());
    await expect.poll(() => row.getAttribute("class")).toContain("due-near");
    await row.getByText(/^Due in \d+ s$/).waitFor();
    await page.clock.fastForward(120_000);
    await expect.poll(() => row.getAttribute("class")).toContain("due-past");
    await row.getByText(/^Overdue by \d+:\d\d$/).waitFor();
    await snapshot(page, "41-queue-overdue");

    await row.getByRole("button", { name: "Acknowledge" }).click();
    await row.getByText("Acknowledged by Sam Staff").waitFor();
    await row.getByText("Acknowledged", { exact: true }).waitFor();
    const after = await chimes();
    await page.clock.runFor(11_000);
    expect(await chimes()).toBe(after);
    await context.close();
  });

  it("keeps the filters in the URL and pages a long queue", async () => {
    const guest = await guestIn(room("demo", "Pool bar"));
    const marker = `Batch ${Date.now()}`;
    for (let i = 0; i < 27; i += 1) await ask(guest, "concierge", `${marker} taxi ${i}`);
    await ask(guest, "spa", `${marker} massage`);

    const context = await desktop(browser());
    const page = await context.newPage();
    await staffLogIn(page, "admin@demo.test");
    await page.getByLabel("Department").selectOption("concierge");
    await page.getByLabel("Search").fill(marker);
    await page.getByRole("button", { name: "Search" }).click();
    await page.waitForURL((url) => url.searchParams.get("q") === marker);
    const url = new URL(page.url());
    expect(url.searchParams.get("department")).toBe("concierge");

    const rows = page.getByRole("list", { name: "Requests" }).getByRole("listitem");
    await expect.poll(() => rows.count()).toBe(25);
    await page.getByRole("button", { name: "Show more" }).click();
    await expect.poll(() => rows.count()).toBe(27);
    expect(await page.getByRole("button", { name: "Show more" }).count()).toBe(0);
    expect(await page.getByText(`${marker} massage`).count()).toBe(0);
    await expectAccessible(page);
    await snapshot(page, "42-queue-desktop");

    // The same URL, opened afresh, shows the same queue.
    await page.goto(url.pathname + url.search);
    expect(await page.getByLabel("Department").inputValue()).toBe("concierge");
    expect(await page.getByLabel("Search").inputValue()).toBe(marker);
    await expect.poll(() => rows.count()).toBe(25);
    await page.getByLabel("Department").selectOption("spa");
    await page.getByText(`${marker} massage`).waitFor();
    await context.close();
  });

  it("lets one of two staff acknowledging at once win, and tells the other who did", async () => {
    const [front, floor] = [await desktop(browser()), await phone(browser())];
    const [a, b] = [await front.newPage(), await floor.newPage()];
    await staffLogIn(a, "admin@demo.test");
    await staffLogIn(b, "staff@demo.test");
    await Promise.all([
      a.getByText("Live", { exact: true }).waitFor(),
      b.getByText("Live", { exact: true }).waitFor(),
    ]);
    const details = `Extra blanket ${Date.now()}`;
    const id = await ask(await guestIn(room("demo", "102")), "housekeeping", details);
    const [rowA, rowB] = [rowOf(a, details), rowOf(b, details)];
    await Promise.all([
      rowA.getByRole("button", { name: "Acknowledge" }).waitFor(),
      rowB.getByRole("button", { name: "Acknowledge" }).waitFor(),
    ]);

    await Promise.all([
      rowA.getByRole("button", { name: "Acknowledge" }).click(),
      rowB.getByRole("button", { name: "Acknowledge" }).click(),
    ]);
    const staff = await staffToken("staff@demo.test");
    const detail = (await asStaff(staff, "GET", `/hotels/demo/admin/requests/${id}`)).body as {
      activity: Array<{ kind: string; actor_name: string }>;
    };
    const acknowledged = detail.activity.filter((x) => x.kind === "ACKNOWLEDGED");
    expect(acknowledged).toHaveLength(1);
    const winner = acknowledged[0]?.actor_name ?? "";
    expect(["Ana Admin", "Sam Staff"]).toContain(winner);
    for (const row of [rowA, rowB]) {
      await row.getByText(`Acknowledged by ${winner}`).waitFor();
      expect(await row.getByRole("alert").count()).toBe(0);
    }
    await expectAccessible(b);
    await snapshot(b, "43-queue-lost-race");
    await front.close();
    await floor.close();
  });
});
