// A request's page: its whole history, only the moves its life allows (a reason where one is
// needed), priority, assignee and internal notes; and the notifications centre with its unread
// count and "mark all read".
import { describe, expect, it } from "vitest";
import {
  api,
  ask,
  asStaff,
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

describe("a request's page", () => {
  it("moves a request through its life, with notes, priority and assignee, all in its history", async () => {
    const details = `Fix the reading lamp ${Date.now()}`;
    const id = await ask(await guestIn(room("demo", "201")), "housekeeping", details);
    const context = await phone(browser());
    const page = await context.newPage();
    await staffLogIn(page, "staff@demo.test");
    await page.getByRole("listitem").filter({ hasText: details }).getByRole("link").click();
    await page.waitForURL(`**/staff/hotels/demo/requests/${id}`);
    await page.getByRole("heading", { name: "Room 201: Housekeeping" }).waitFor();
    await page.getByText("Gina Guest · Room 201").waitFor();
    const history = page.getByRole("region", { name: "History" }).getByRole("listitem");
    await expect.poll(() => history.allTextContents()).toEqual([expect.stringContaining("Gina Guest asked")]);
    const actions = page.getByRole("region", { name: "Move it on" });
    // NEW: acknowledging is the only move.
    expect(await actions.getByRole("button", { name: "Start" }).count()).toBe(0);
    expect(await actions.getByRole("button", { name: "Complete" }).count()).toBe(0);
    await actions.getByRole("button", { name: "Acknowledge" }).click();
    await actions.getByRole("button", { name: "Start" }).waitFor();
    expect(await actions.getByRole("button", { name: "Confirm" }).count()).toBe(0);
    expect(await actions.getByRole("button", { name: "Complete" }).count()).toBe(0);

    await actions.getByRole("button", { name: "Start" }).click();
    await actions.getByLabel("Reason (optional)").fill("On my way");
    await actions.getByRole("button", { name: "Mark as In progress" }).click();
    await actions.getByText("Marked as In progress.").waitFor();
    await page
      .getByRole("region", { name: "The request" })
      .getByText("In progress", { exact: true })
      .waitFor();

    await actions.getByLabel("Priority").selectOption("HIGH");
    await actions.getByText("Priority changed.").waitFor();
    await actions.getByRole("button", { name: "Assign to me" }).click();
    await actions.getByText("Assigned.").waitFor();
    // Acknowledged by and assigned to the same person: both read "You".
    await expect
      .poll(() => page.getByRole("region", { name: "The request" }).getByText("You", { exact: true }).count())
      .toBe(2);

    await page.getByLabel("Note", { exact: true }).fill("The bulb is an E14; taking two.");
    await page.getByRole("button", { name: "Add note" }).click();
    await actions.getByRole("button", { name: "Complete" }).click();
    await actions.getByRole("button", { name: "Mark as Completed" }).click();
    await actions.getByText("This request is finished; nothing more can change.").waitFor();

    await expect
      .poll(() => history.allTextContents())
      .toEqual([
        expect.stringContaining("Gina Guest asked"),
        expect.stringContaining("Sam Staff acknowledged"),
        expect.stringMatching(/Sam Staff moved it from Acknowledged to In progress.*On my way/),
        expect.stringContaining("Sam Staff changed the priority to High"),
        expect.stringContaining("Sam Staff: Assigned to Sam Staff."),
        expect.stringMatching(/Sam Staff added a note.*The bulb is an E14; taking two\..*staff only/),
        expect.stringContaining("Sam Staff moved it from In progress to Completed"),
      ]);
    await expectAccessible(page);
    await snapshot(page, "50-request-completed");
    await context.close();
  });

  it("asks for a reason to decline, and offers confirming only where it is needed", async () => {
    const experiences = (await (await fetch(`${api}/hotels/demo/experiences`)).json()) as {
      items: Array<{ id: string; name: string }>;
    };
    const massage = experiences.items.find((e) => e.name.startsWith("Swedish massage"));
    const id = await ask(
      await guestIn(room("demo", "102")),
      "spa",
      "At 18:00 if possible",
      massage?.id ?? null,
    );
    const context = await desktop(browser());
    const page = await context.newPage();
    await staffLogIn(page, "admin@demo.test", `/staff/hotels/demo/requests/${id}`);
    await page.waitForURL(`**/staff/hotels/demo/requests/${id}`);
    const actions = page.getByRole("region", { name: "Move it on" });
    await actions.getByRole("button", { name: "Confirm" }).waitFor();
    expect(await actions.getByRole("button", { name: "Start" }).count()).toBe(0);
    await actions.getByRole("button", { name: "Decline" }).click();
    const submit = actions.getByRole("button", { name: "Mark as Declined" });
    expect(await submit.isDisabled()).toBe(true);
    await actions.getByLabel("Reason (the guest sees it; required)").fill("Fully booked tonight, sorry.");
    await expectAccessible(page);
    await snapshot(page, "51-request-decline");
    await submit.click();
    await page.getByRole("region", { name: "The request" }).getByText("Declined", { exact: true }).waitFor();
    await page
      .getByRole("region", { name: "The request" })
      .getByText("Fully booked tonight, sorry.")
      .waitFor();
    await actions.getByText("This request is finished; nothing more can change.").waitFor();
    await context.close();
  });
});

describe("the notifications centre", () => {
  it("counts unread notifications, opens their request, and marks all read", async () => {
    const details = `Notify me ${Date.now()}`;
    const id = await ask(await guestIn(room("demo", "101")), "housekeeping", details);
    const context = await phone(browser());
    const page = await context.newPage();
    await staffLogIn(page, "staff@demo.test");
    const link = page.getByRole("link", { name: /^Notifications\s*\d+/ });
    await link.waitFor();
    await link.click();
    await page.getByRole("heading", { name: "Notifications", exact: true }).waitFor();
    const unread = page.getByText(/^\d+ unread$/).first();
    await unread.waitFor();
    const before = Number((await unread.textContent())?.split(" ")[0]);
    expect(before).toBeGreaterThan(0);
    const mine = page.getByRole("button", { name: new RegExp(details) });
    await mine.waitFor();
    await expectAccessible(page);
    await snapshot(page, "52-notifications");
    await mine.click();
    await page.waitForURL(`**/staff/hotels/demo/requests/${id}`);
    await page.goBack();
    // Read now (other notifications may arrive meanwhile: escalations of earlier tests' requests).
    await mine.waitFor();
    expect(await mine.getByText("New", { exact: true }).count()).toBe(0);
    await page.getByRole("button", { name: "Mark all read" }).click();
    await page.getByText(/^\d+ marked read\.$/).waitFor();
    await page.getByText("0 unread").waitFor();
    expect(await page.getByRole("link", { name: /^Notifications\s*\d+/ }).count()).toBe(0);
    expect(await page.getByRole("button", { name: "Mark all read" }).isDisabled()).toBe(true);
    await context.close();
  });

  it("names the colleague who acknowledged and the one assigned to a STAFF member, in the queue and on the page", async () => {
    const details = `Bring an adaptor ${Date.now()}`;
    const id = await ask(await guestIn(room("demo", "102")), "housekeeping", details);
    const manager = await staffToken("manager@demo.test");
    const path = `/hotels/demo/admin/requests/${id}`;
    expect((await asStaff(manager, "POST", `${path}/acknowledge`)).status).toBe(200);
    const members = await asStaff(manager, "GET", "/hotels/demo/admin/members");
    const sam = (members.body?.items as Array<{ user: string; name: string }>).find(
      (m) => m.name === "Sam Staff",
    );
    expect((await asStaff(manager, "PATCH", path, { assignee: sam?.user })).status).toBe(200);

    const context = await phone(browser());
    const page = await context.newPage();
    await staffLogIn(page, "staff@demo.test");
    const row = page.getByRole("listitem").filter({ hasText: details });
    await row.getByText("Acknowledged by Mario Manager").waitFor();
    await row.getByText("Assigned to Sam Staff").waitFor();
    await row.getByRole("link").click();
    await page.waitForURL(`**/staff/hotels/demo/requests/${id}`);
    const facts = page.getByRole("region", { name: "The request" });
    await expect
      .poll(async () => (await facts.locator("dt, dd").allTextContents()).join("|"))
      .toContain("Acknowledged by|Mario Manager|Assigned to|You");
    expect(await page.getByText("a colleague").count()).toBe(0);
    await expectAccessible(page);
    await context.close();
  });
});
