// `npm run bench` (make web-bench): measurements in Chromium against the same stack as the
// end-to-end tests; they report, and fail only over a budget.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["bench/**/*.test.ts"],
    environment: "node",
    globalSetup: ["e2e/stack.ts"],
    hookTimeout: 120_000,
  },
});
