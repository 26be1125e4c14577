// What the end-to-end tests share: Debian's Chromium on a phone's viewport, axe-core, and
// the local stack's outbox and API as a test reaches them (staff act through the API).
import AxeBuilder from "@axe-core/playwright";
import { join } from "node:path";
import { crc32, deflateSync } from "node:zlib";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, expect, inject } from "vitest";

export const stack = inject("stack");
export const origin = stack.origin;
export const api = `${origin}/api/v1`;

/** Chromium's path: Debian's package (`infra/chromium.sh` installs it). */
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

/** Flags for a root user on a closed network (see FACTS: Front end). */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
  "--disable-dev-shm-usage",
];

/** Playwright gives each launch a profile directory of its own. */
export async function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** One Chromium for the test file: launched before its tests, closed after them. */
export function useBrowser(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error("the browser is not launched yet");
    return browser;
  };
}

/** A phone: its viewport, touch, and a language. */
export async function phone(browser: Browser, locale = "en-GB"): Promise<BrowserContext> {
  return browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale,
    baseURL: origin,
  });
}

/** A demo room's QR code. */
export function room(hotel: string, name: string): string {
  const found = stack.hotels.find((h) => h.slug === hotel)?.rooms.find((r) => r.room === name);
  if (!found) throw new Error(`no demo room ${hotel}/${name}`);
  return found.code;
}

let nextPhone = 0;
/** A phone number no other test of the run uses (New York, +1 212). */
export function newPhone(): string {
  nextPhone += 1;
  const n = (process.pid % 700) * 100 + nextPhone;
  return `+1212${String(200 + (n % 800)).padStart(3, "0")}${String(Math.floor(n / 800) % 10000).padStart(4, "0")}`;
}

interface Message {
  to: string;
  channel: string;
  text: string;
}

/** Messages the stack sent to `to`, oldest first. */
export async function outbox(to: string): Promise<Message[]> {
  const response = await fetch(`${origin}/_local/outbox?to=${encodeURIComponent(to)}`);
  return (await response.json()) as Message[];
}

/** The code of the newest message to `to` on `channel`, waiting for it to arrive. */
export async function codeSent(to: string, channel: "whatsapp" | "sms", after = 0): Promise<string> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const messages = (await outbox(to)).filter((m) => m.channel.toLowerCase() === channel);
    const text = messages.length > after ? messages.at(-1)?.text : undefined;
    const code = text?.match(/\b(\d{6})\b/)?.[1];
    if (code) return code;
    if (Date.now() > deadline) throw new Error(`no ${channel} code for ${to}: ${JSON.stringify(messages)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function whatsappMode(mode: "deliver" | "undeliverable" | "fail" | "silent") {
  const response = await fetch(`${origin}/_local/outbox/mode`, {
    method: "POST",
    body: JSON.stringify({ whatsapp: mode }),
  });
  expect(response.status).toBe(200);
}

/** A staff member's access token (the local stack accepts bearer tokens). */
export async function staffToken(email: string): Promise<string> {
  const response = await fetch(`${api}/auth/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password: stack.password }),
  });
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith("access_token="));
  const token = cookie?.split(";")[0]?.slice("access_token=".length);
  if (!token) throw new Error(`staff login failed: ${response.status}`);
  return token;
}

export async function asStaff(token: string, method: string, path: string, body: unknown = {}) {
  const response = await fetch(`${api}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: method === "GET" ? null : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : null };
}

/** No serious or critical accessibility violation on the page as it is now. */
export async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`)).toEqual(
    [],
  );
}

/** Logs a new guest in from a room's page, through the form, with the code from the outbox. */
export async function logIn(page: Page, code: string, phoneNumber: string, name = "Alex") {
  await page.goto(`/scan/${code}`);
  await page.getByLabel("Mobile number").fill(phoneNumber);
  await page.getByRole("button", { name: "Send me a code" }).click();
  await page.getByText(/We sent a 6-digit code/).waitFor();
  const sent = await codeSent(phoneNumber, "whatsapp");
  await page.getByLabel("Code", { exact: true }).fill(sent);
  await page.getByLabel("Your name (optional)").fill(name);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.getByRole("heading", { name: "What can we do for you?" }).waitFor();
}

/** Saves a screenshot under target/web-e2e/ to look at. */
export async function snapshot(page: Page, name: string) {
  await page.screenshot({
    path: join(import.meta.dirname, "../../target/web-e2e", `${name}.png`),
    fullPage: true,
  });
}

/** A front desk PC or a manager's laptop. */
export async function desktop(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "en-GB", baseURL: origin });
}

/** Logs a staff member in by email and password from the staff login page. */
export async function staffLogIn(page: Page, email: string, path = "/staff/") {
  await page.goto(path);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(stack.password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/staff/login"));
}

/** A new guest logged in to a room through the API, as the guest app logs in. */
export async function guestIn(code: string): Promise<{ token: string; hotel: string }> {
  const guest = newPhone();
  const send = await fetch(`${api}/auth/otp/send`, {
    method: "POST",
    headers: { "content-type": "application/json", origin },
    body: JSON.stringify({ phone: guest, qr: code }),
  });
  expect(send.status).toBe(200);
  const verify = await fetch(`${api}/auth/otp/verify`, {
    method: "POST",
    headers: { "content-type": "application/json", origin },
    body: JSON.stringify({
      phone: guest,
      code: await codeSent(guest, "whatsapp"),
      qr: code,
      name: "Gina Guest",
    }),
  });
  expect(verify.status).toBe(200);
  const token = verify.headers
    .getSetCookie()
    .find((c) => c.startsWith("access_token="))
    ?.split(";")[0]
    ?.slice("access_token=".length);
  if (!token) throw new Error("the guest login set no access token");
  const stay = ((await verify.json()) as { stay: { hotel: string } }).stay;
  return { token, hotel: stay.hotel };
}

/** A guest's request, made through the API as the guest app makes it; its id. */
export async function ask(
  guest: { token: string; hotel: string },
  department: string,
  details: string,
  experience: string | null = null,
): Promise<string> {
  const created = await fetch(`${api}/hotels/${guest.hotel}/requests`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${guest.token}`,
      "content-type": "application/json",
      "idempotency-key": crypto.randomUUID(),
    },
    body: JSON.stringify({ department, details, experience }),
  });
  const body = (await created.json()) as { id: string };
  expect(created.status, JSON.stringify(body)).toBe(201);
  return body.id;
}

/** A `width`×`height` RGBA PNG, half transparent (so the pipeline keeps it a PNG). */
export function png(width: number, height: number, rgb: [number, number, number]): Buffer<ArrayBuffer> {
  const chunk = (kind: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(kind, "ascii"), data]);
    const out = Buffer.alloc(8 + data.length + 4);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8);
  const rows = Buffer.alloc((1 + 4 * width) * height);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      rows.set([...rgb, x < width / 2 ? 255 : 0], y * (1 + 4 * width) + 1 + 4 * x);
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(rows)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** Counts the chimes the page plays (each chime starts two tones). */
export async function countChimes(page: Page) {
  await page.addInitScript(() => {
    const counted = window as unknown as { tones: number };
    counted.tones = 0;
    const original = AudioContext.prototype.createOscillator;
    AudioContext.prototype.createOscillator = function (this: AudioContext) {
      counted.tones += 1;
      return original.call(this);
    };
  });
  return async () => (await page.evaluate(() => (window as unknown as { tones: number }).tones)) / 2;
}
