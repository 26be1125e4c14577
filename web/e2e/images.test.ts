// Uploaded images are served for real: an admin uploads an experience's picture and the hotel's
// logo through the API, and the guest's pages show them (loaded by the browser, under the app's
// CSP) from the URLs the API gives.
import { describe, expect, it } from "vitest";
import { api, logIn, newPhone, phone, png, room, snapshot, staffToken, useBrowser } from "./browser";

const browser = useBrowser();

async function upload(
  token: string,
  path: string,
  bytes: Buffer<ArrayBuffer>,
): Promise<Record<string, unknown>> {
  const form = new FormData();
  form.append("image", new Blob([bytes], { type: "image/png" }), "picture.png");
  const response = await fetch(`${api}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

describe("uploaded images", () => {
  it("show on the guest's pages from the URLs the API gives", async () => {
    const experiences = (await (await fetch(`${api}/hotels/demo-annex/experiences`)).json()) as {
      items: Array<{ id: string; name: string }>;
    };
    const towels = experiences.items.find((e) => e.name === "Extra towels");
    if (!towels) throw new Error("demo experience missing");
    const manager = await staffToken("manager@demo-annex.test");
    const pictured = await upload(
      manager,
      `/hotels/demo-annex/admin/experiences/${towels.id}/image`,
      png(320, 200, [30, 120, 200]),
    );
    const owner = await staffToken("admin@demo-annex.test");
    const hotel = await upload(owner, "/hotels/demo-annex/admin/logo", png(64, 64, [200, 60, 30]));
    const pictureUrl = String(pictured.image_url);
    const logoUrl = String((hotel.branding as { logo_url: string }).logo_url);

    const context = await phone(browser());
    const page = await context.newPage();
    const blocked: string[] = [];
    page.on("console", (m) => {
      if (/Content Security Policy|Refused to/.test(m.text())) blocked.push(m.text());
    });
    await logIn(page, room("demo-annex", "102"), newPhone());
    const picture = page.locator(`img[src="${pictureUrl}"]`);
    await picture.scrollIntoViewIfNeeded();
    await expect
      .poll(() => picture.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
      .toBe(320);
    const logo = page.locator(`header img[src="${logoUrl}"]`);
    await expect
      .poll(() => logo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
      .toBe(64);
    const served = await page.evaluate(async (url) => {
      const response = await fetch(url);
      return { status: response.status, type: response.headers.get("content-type") };
    }, pictureUrl);
    expect(served).toEqual({ status: 200, type: "image/png" });
    expect(blocked, "nothing refused by the app's CSP").toEqual([]);
    await snapshot(page, "30-images");
    await context.close();
  });
});
