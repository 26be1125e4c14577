// The "done when", as one story: a small hotel run from the browser alone. The manager
// sets up a department, an experience, a member and a QR code; the new housekeeper logs in by a
// code to her phone and turns notifications on; a guest scans the new code and asks; the
// housekeeper's queue chimes and her phone gets the push; she acknowledges, opens the request
// from the notification and completes it; the manager's dashboard counts it.
import { describe, expect, it } from "vitest";
import {
  codeSent,
  countChimes,
  desktop,
  expectAccessible,
  logIn,
  newPhone,
  phone,
  snapshot,
  staffLogIn,
  useBrowser,
} from "./browser";
import { deliver, pushedTo, stubPushService, subscriber } from "./push";

const browser = useBrowser();

describe("a small hotel run from the browser alone", () => {
  it("sets up, takes a guest's request with a sound and a push, completes it and counts it", async () => {
    const n = Date.now() % 100000;
    const department = { slug: `minibar-${n}`, name: `Minibar ${n}` };
    const experience = `Restock the minibar ${n}`;
    const housekeeper = { name: `Hana Keeper ${n}`, phone: newPhone() };
    const place = `Suite ${n}`;

    // The manager, on a laptop.
    const office = await desktop(browser());
    const manager = await office.newPage();
    await staffLogIn(manager, "manager@demo.test", "/staff/hotels/demo/admin/departments");
    const newDepartment = manager.getByRole("form", { name: "New department" });
    await newDepartment.getByLabel("Short name in links").fill(department.slug);
    await newDepartment.getByLabel("Name", { exact: true }).fill(department.name);
    await newDepartment.getByLabel("Response time (minutes)").fill("10");
    await newDepartment.getByLabel("Response time after hours (minutes)").fill("20");
    await newDepartment.getByRole("button", { name: "Create department" }).click();
    await manager.getByRole("heading", { name: department.name }).waitFor();

    await manager.goto("/staff/hotels/demo/admin/experiences");
    const newExperience = manager.getByRole("form", { name: "New experience" });
    await newExperience.getByLabel("Department").selectOption(department.slug);
    await newExperience.getByLabel("Name", { exact: true }).fill(experience);
    await newExperience.getByRole("button", { name: "Create experience" }).click();
    await manager.getByRole("heading", { name: experience }).waitFor();

    await manager.goto("/staff/hotels/demo/admin/members");
    const invite = manager.getByRole("form", { name: "Invite a member" });
    await invite.getByLabel("Name", { exact: true }).fill(housekeeper.name);
    await invite.getByLabel("Mobile number").fill(housekeeper.phone);
    await invite.getByLabel(department.name).check();
    await invite.getByRole("button", { name: "Invite" }).click();
    await manager
      .getByRole("listitem")
      .filter({ has: manager.getByRole("heading", { name: housekeeper.name }) })
      .getByText(`Departments: ${department.name}`)
      .waitFor();

    await manager.goto("/staff/hotels/demo/admin/qr-codes");
    await manager.getByLabel("Room or place").fill(place);
    await manager.getByLabel("Label", { exact: true }).fill("On the desk");
    await manager.getByRole("button", { name: "Create QR code" }).click();
    const qr = manager.getByRole("listitem").filter({ has: manager.getByRole("heading", { name: place }) });
    await qr.getByText("Scanned 0 times · Active").waitFor();
    const image = (await qr.getByRole("img").getAttribute("src")) ?? "";
    const code = image.match(/\/qr-codes\/([^/]+)\/image/)?.[1];
    expect(code, image).toBeTruthy();

    // The housekeeper, on her phone: a code to it, notifications on, the queue open.
    const push = subscriber();
    const pocket = await phone(browser());
    await pocket.grantPermissions(["notifications"]);
    const keeper = await pocket.newPage();
    await stubPushService(keeper, push);
    const chimes = await countChimes(keeper);
    await keeper.goto("/staff/login");
    await keeper.getByRole("button", { name: "Code to my phone" }).click();
    await keeper.getByLabel("Mobile number").fill(housekeeper.phone);
    await keeper.getByRole("button", { name: "Send me a code" }).click();
    await keeper.getByLabel("Code", { exact: true }).fill(await codeSent(housekeeper.phone, "whatsapp"));
    await keeper.getByRole("button", { name: "Log in" }).click();
    await keeper.waitForURL("**/staff/hotels/demo");
    await keeper.goto("/staff/notifications");
    await keeper.getByRole("button", { name: "Turn on notifications on this device" }).click();
    await keeper.getByText("Notifications are on for this device.").waitFor();
    await keeper.goto("/staff/hotels/demo");
    await keeper.getByText("Live", { exact: true }).waitFor();
    const before = await chimes();

    // The guest scans the new code in the suite and asks for the new experience.
    const room = await phone(browser());
    const guest = await room.newPage();
    await logIn(guest, code ?? "", newPhone(), "Gia Guest");
    await guest.getByRole("link", { name: `Ask for this: ${experience}` }).click();
    await guest.getByLabel("Anything we should know? (optional)").fill("Sparkling water, please");
    await guest.getByRole("button", { name: "Send request" }).click();
    await guest.waitForURL(/\/requests\/[0-9a-z]{26}$/);
    const id = guest.url().split("/").at(-1) ?? "";

    // Her queue shows it and chimes; her phone gets the push our backend sent.
    const row = keeper.getByRole("listitem").filter({ hasText: experience });
    await row.getByRole("link", { name: `${place} · ${department.name}` }).waitFor();
    await keeper.getByText(/new waiting: the alert sounds until someone acknowledges/).waitFor();
    await expect.poll(chimes).toBeGreaterThan(before);
    const payload = await pushedTo(push);
    const message = JSON.parse(payload) as { title: string; hotel: string; request: string };
    expect(message).toMatchObject({ hotel: "demo", request: id });
    const worker = await deliver(pocket, keeper, payload, message.title);
    await expectAccessible(keeper);
    await snapshot(keeper, "80-story-ringing");

    // One tap acknowledges it (the chime stops); the notification opens it; she completes it.
    await row.getByRole("button", { name: "Acknowledge" }).click();
    await row.getByText(`Acknowledged by ${housekeeper.name}`).waitFor();
    await keeper.getByText(/new waiting/).waitFor({ state: "detached" });
    await worker.evaluate(`self.registration.getNotifications().then(([shown]) =>
      self.dispatchEvent(new NotificationEvent("notificationclick", { notification: shown })))`);
    await keeper.waitForURL(`**/staff/hotels/demo/requests/${id}`);
    const actions = keeper.getByRole("region", { name: "Move it on" });
    await actions.getByRole("button", { name: "Start" }).click();
    await actions.getByRole("button", { name: "Mark as In progress" }).click();
    await actions.getByText("Marked as In progress.").waitFor();
    await actions.getByRole("button", { name: "Complete" }).click();
    await actions.getByRole("button", { name: "Mark as Completed" }).click();
    await actions.getByText("This request is finished; nothing more can change.").waitFor();
    await guest.getByText("Done", { exact: true }).waitFor();

    // The manager's dashboard counts it, under its department and as completed.
    await manager.goto("/staff/hotels/demo/dashboard");
    const byDepartment = manager.getByRole("img", { name: /Asked today, by department/ });
    await expect.poll(() => byDepartment.textContent()).toContain(`${department.name}: 1`);
    const byStatus = manager.getByRole("img", { name: /Asked today, where they are now/ });
    await expect.poll(() => byStatus.textContent()).toMatch(/Completed: [1-9]/);
    await expectAccessible(manager);
    await snapshot(manager, "81-story-dashboard");
    await Promise.all([office.close(), pocket.close(), room.close()]);
  });
});
