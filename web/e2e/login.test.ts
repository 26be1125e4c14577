// Logging in when things go wrong: WhatsApp down (the code goes by SMS), WhatsApp undelivered
// (an SMS follows, and the page says so), too many codes (the server's Retry-After counts
// down), an ended session (back to the room's page), and the guest's language.
import { afterEach, describe, expect, it } from "vitest";
import {
  codeSent,
  expectAccessible,
  logIn,
  newPhone,
  outbox,
  phone,
  room,
  snapshot,
  whatsappMode,
  useBrowser,
} from "./browser";

const browser = useBrowser();
afterEach(async () => {
  await whatsappMode("deliver");
});

describe("logging in", () => {
  it("sends the code by SMS when WhatsApp fails, and says so", async () => {
    await whatsappMode("fail");
    const context = await phone(browser());
    const page = await context.newPage();
    const guest = newPhone();
    await page.goto(`/scan/${room("demo", "102")}`);
    await page.getByLabel("Mobile number").fill(guest);
    await page.getByRole("button", { name: "Send me a code" }).click();
    await page.getByText(`We sent a 6-digit code by SMS to ${guest}.`).waitFor();
    await page.getByLabel("Code", { exact: true }).fill(await codeSent(guest, "sms"));
    await page.getByRole("button", { name: "Log in" }).click();
    await page.getByRole("heading", { name: "What can we do for you?" }).waitFor();
    expect((await outbox(guest)).map((m) => m.channel.toLowerCase())).toEqual(["sms"]);
    await context.close();
  });

  it("tells the guest an SMS is coming when WhatsApp does not deliver, and the SMS code works", async () => {
    await whatsappMode("undeliverable");
    const context = await phone(browser());
    const page = await context.newPage();
    await page.clock.install();
    const guest = newPhone();
    await page.goto(`/scan/${room("demo", "102")}`);
    await page.getByLabel("Mobile number").fill(guest);
    await page.getByRole("button", { name: "Send me a code" }).click();
    await page.getByText(`We sent a 6-digit code by WhatsApp to ${guest}.`).waitFor();
    // Gupshup reports the message failed; the fallback sends a fresh code by SMS.
    const sms = await codeSent(guest, "sms");
    await page.clock.runFor(31_000);
    await page.getByText(/No WhatsApp message yet\? We are sending a new code by SMS/).waitFor();
    await expectAccessible(page);
    await snapshot(page, "10-sms-coming");
    await page.getByLabel("Code", { exact: true }).fill(sms);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.getByRole("heading", { name: "What can we do for you?" }).waitFor();
    await context.close();
  });

  it("counts down the server's Retry-After before another code can be asked for", async () => {
    const context = await phone(browser());
    const page = await context.newPage();
    const guest = newPhone();
    await page.goto(`/scan/${room("demo", "201")}`);
    await page.getByLabel("Mobile number").fill(guest);
    await page.getByRole("button", { name: "Send me a code" }).click();
    await page.getByText(/We sent a 6-digit code/).waitFor();
    // Three codes in ten minutes per phone; the fourth is refused with Retry-After.
    for (let sent = 1; sent < 3; sent += 1) {
      await page.getByRole("button", { name: "Send a new code" }).click();
      await expect.poll(async () => (await outbox(guest)).length).toBe(sent + 1);
    }
    await page.getByRole("button", { name: "Send a new code" }).click();
    const countdown = page.getByText(/^You can ask for a new code in (\d+:\d\d|\d+ s)\.$/);
    await countdown.waitFor();
    const left = async () => {
      const [, minutes, seconds] = /in (?:(\d+):)?(\d+)/.exec((await countdown.textContent()) ?? "") ?? [];
      return Number(minutes ?? 0) * 60 + Number(seconds);
    };
    const first = await left();
    expect(first).toBeGreaterThan(1);
    expect(await page.getByRole("button", { name: "Send a new code" }).count()).toBe(0);
    await expect.poll(left, { timeout: 5_000 }).toBeLessThan(first);
    await expectAccessible(page);
    await snapshot(page, "11-retry-after");
    await context.close();
  });

  it("brings a guest whose session ended back to the room's page, not an error", async () => {
    const context = await phone(browser());
    const page = await context.newPage();
    await logIn(page, room("demo", "201"), newPhone());
    await context.clearCookies();
    await page.getByRole("link", { name: "My requests" }).click();
    await page.getByText("Your session ended. Log in again to go on.").waitFor();
    expect(new URL(page.url()).pathname).toBe(`/scan/${room("demo", "201")}`);
    await page.getByRole("heading", { name: "Welcome to Demo Grand Hotel" }).waitFor();
    await page.getByLabel("Mobile number").waitFor();
    await context.close();
  });

  it("speaks the browser's language, and keeps the guest's own choice", async () => {
    const context = await phone(browser(), "es-ES");
    const page = await context.newPage();
    await page.goto(`/scan/${room("demo-annex", "101")}`);
    await page.getByRole("heading", { name: "Bienvenido a Demo Annex" }).waitFor();
    await page.getByLabel("Número de móvil").waitFor();
    expect(await page.locator("html").getAttribute("lang")).toBe("es");
    await expectAccessible(page);
    await page.getByLabel("Idioma").selectOption("de");
    await page.getByRole("heading", { name: "Willkommen im Demo Annex" }).waitFor();
    await page.reload();
    await page.getByRole("heading", { name: "Willkommen im Demo Annex" }).waitFor();
    await page.getByLabel("Sprache").selectOption("fr");
    await page.getByRole("heading", { name: "Bienvenue à Demo Annex" }).waitFor();
    await snapshot(page, "12-french");
    await page.goto("/nowhere");
    await page.getByRole("heading", { name: "Cette page n’existe pas" }).waitFor();
    await expectAccessible(page);
    await page.goto(`/scan/${"a".repeat(26)}`);
    await page.getByText("Ce code QR n’est pas actif. Demandez de l’aide à la réception.").waitFor();
    await context.close();
  });
});
