// End-to-end tests: Chromium (Debian's) driven by playwright-core against a local stack that
// the global setup starts (`concierge-dev --port 0`), serving the built app. One file at a
// time: the stack's WhatsApp stand-in has one mode for everyone.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["e2e/**/*.test.ts"],
    environment: "node",
    globalSetup: ["e2e/stack.ts"],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // What a page shows after a round trip can take seconds on a loaded machine.
    expect: { poll: { timeout: 15_000 } },
  },
});
