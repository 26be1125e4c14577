// Unit tests of web/src (pure logic: API client, streams, i18n, formatting), in Node.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});
