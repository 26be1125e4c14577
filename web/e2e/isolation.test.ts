// A guest of another room, or of another hotel, sees nothing of this guest's requests.
import { describe, expect, it } from "vitest";
import { expectAccessible, logIn, newPhone, phone, room, useBrowser } from "./browser";

const browser = useBrowser();

describe("guests of other rooms and hotels", () => {
  it("see nothing of this one's requests", async () => {
    const owner = await phone(browser());
    const page = await owner.newPage();
    await logIn(page, room("demo", "101"), newPhone());
    await page.goto("/ask/housekeeping");
    await page.getByLabel("What do you need?").fill("Private: a toothbrush");
    await page.getByRole("button", { name: "Send request" }).click();
    await page.waitForURL(/\/requests\/[0-9a-z]{26}$/);
    const id = page.url().split("/").at(-1) ?? "";

    for (const [hotel, name] of [
      ["demo", "102"],
      ["demo-annex", "101"],
    ] as const) {
      const other = await phone(browser());
      const stranger = await other.newPage();
      await logIn(stranger, room(hotel, name), newPhone());
      await stranger.goto(`/requests/${id}`);
      await stranger.getByText("We cannot find this request. It may belong to another stay.").waitFor();
      expect(await stranger.getByText("Private: a toothbrush").count()).toBe(0);
      await expectAccessible(stranger);
      await stranger.getByRole("link", { name: "My requests" }).first().click();
      await stranger.getByText("No requests during this stay yet.").waitFor();
      const stream = await stranger.evaluate(
        async (path) => (await fetch(path)).status,
        `/api/v1/me/requests/${id}/events`,
      );
      expect(stream).toBe(404);
      await other.close();
    }
    await owner.close();
  });
});
