// Staff logging in: by email and password (the browser's password manager sees a username
// and a current password), or by a code sent to their phone; choosing the hotel when they
// belong to several; and a session that ends sends them to the login page and back to the
// page they were on.
import { describe, expect, it } from "vitest";
import {
  asStaff,
  codeSent,
  desktop,
  expectAccessible,
  phone,
  snapshot,
  staffLogIn,
  staffToken,
  stack,
  useBrowser,
} from "./browser";

const browser = useBrowser();
const demo = stack.hotels.find((h) => h.slug === "demo");
const login = (role: string) => {
  const found = demo?.logins.find((l) => l.role.toUpperCase() === role);
  if (!found) throw new Error(`no demo ${role}`);
  return found;
};

describe("staff login", () => {
  it("logs in by email and password to the person's one hotel", async () => {
    const context = await phone(browser());
    const page = await context.newPage();
    await page.goto("/staff/");
    await page.getByRole("heading", { name: "Staff login" }).waitFor();
    const email = page.getByLabel("Email");
    expect(await email.getAttribute("autocomplete")).toBe("username");
    expect(await email.getAttribute("type")).toBe("email");
    expect(await page.getByLabel("Password").getAttribute("autocomplete")).toBe("current-password");
    await expectAccessible(page);
    await snapshot(page, "30-staff-login");

    await page.getByLabel("Email").fill(login("STAFF").email);
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Log in" }).click();
    await page.getByText(/That email and password do not match/).waitFor();

    await page.getByLabel("Password").fill(stack.password);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL("**/staff/hotels/demo");
    await page.getByRole("heading", { name: "Requests" }).waitFor();
    await page.getByText("Demo Grand Hotel").first().waitFor();
    await context.close();
  });

  it("logs in by a code sent to the phone", async () => {
    const context = await phone(browser());
    const page = await context.newPage();
    await page.goto("/staff/login");
    await page.getByRole("button", { name: "Code to my phone" }).click();
    const mobile = page.getByLabel("Mobile number");
    expect(await mobile.getAttribute("autocomplete")).toBe("tel");
    expect(await mobile.getAttribute("type")).toBe("tel");
    await mobile.fill(login("STAFF").phone);
    const before = (await fetch(
      `${stack.origin}/_local/outbox?to=${encodeURIComponent(login("STAFF").phone)}`,
    ).then((r) => r.json())) as unknown[];
    await page.getByRole("button", { name: "Send me a code" }).click();
    await page.getByText(/We sent a 6-digit code/).waitFor();
    const code = page.getByLabel("Code", { exact: true });
    expect(await code.getAttribute("autocomplete")).toBe("one-time-code");
    await expectAccessible(page);
    await code.fill(await codeSent(login("STAFF").phone, "whatsapp", before.length));
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL("**/staff/hotels/demo");
    await page.getByRole("heading", { name: "Requests" }).waitFor();
    await context.close();
  });

  it("lets a person who belongs to two hotels choose one", async () => {
    // The annex's super admin makes the demo hotel's manager a member of the annex too.
    const annex = stack.hotels.find((h) => h.slug === "demo-annex");
    const annexAdmin = await staffToken(
      annex?.logins.find((l) => l.role.toUpperCase() === "SUPERADMIN")?.email ?? "",
    );
    const invited = await asStaff(annexAdmin, "POST", "/hotels/demo-annex/admin/members", {
      name: "Mario Manager",
      phone: login("ADMIN").phone,
      role: "STAFF",
      departments: ["housekeeping"],
    });
    expect([201, 400]).toContain(invited.status); // 400: already a member from an earlier run

    const context = await desktop(browser());
    const page = await context.newPage();
    await staffLogIn(page, login("ADMIN").email);
    await page.waitForURL("**/staff/hotels");
    await page.getByRole("heading", { name: "Choose a hotel" }).waitFor();
    await page.getByRole("link", { name: /Demo Grand Hotel\s*Admin/ }).waitFor();
    await expectAccessible(page);
    await snapshot(page, "31-choose-hotel");
    await page.getByRole("link", { name: /Demo Annex\s*Staff/ }).click();
    await page.waitForURL("**/staff/hotels/demo-annex");
    await page.getByRole("heading", { name: "Requests" }).waitFor();
    // A STAFF member of the annex: no admin screens there.
    expect(await page.getByRole("link", { name: "Members" }).count()).toBe(0);
    await page.getByRole("link", { name: "Switch hotel" }).click();
    await page.getByRole("link", { name: /Demo Grand Hotel/ }).click();
    await page.getByRole("link", { name: "Members" }).waitFor();
    await context.close();
  });

  it("sends a person whose session ended to the login page and back to the same page", async () => {
    const context = await desktop(browser());
    const page = await context.newPage();
    await staffLogIn(page, login("STAFF").email);
    await page.goto("/staff/hotels/demo?priority=HIGH");
    await page.getByRole("heading", { name: "Requests" }).waitFor();
    await context.clearCookies();
    await page.getByLabel("Status").selectOption("ACKNOWLEDGED");
    await page.waitForURL("**/staff/login?next=*");
    await page.getByText("Your session ended. Log in again to go back to where you were.").waitFor();
    await expectAccessible(page);
    await page.getByLabel("Email").fill(login("STAFF").email);
    await page.getByLabel("Password").fill(stack.password);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL((url) => url.pathname === "/staff/hotels/demo");
    const url = new URL(page.url());
    expect(url.searchParams.get("priority")).toBe("HIGH");
    expect(url.searchParams.get("status")).toBe("ACKNOWLEDGED");
    expect(await page.getByLabel("Priority").inputValue()).toBe("HIGH");
    await context.close();
  });
});
