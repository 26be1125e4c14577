// One Vite project for the web apps: the guest app at / (index.html) and the staff app at
// /staff/ (staff/index.html, built to dist/staff/index.html). `npm run dev` proxies the API, the images and the local stack's own
// endpoints to the local API (`make dev`), so cookies and streams work as deployed.
import { defineConfig } from "vite";

const api = process.env.CONCIERGE_API ?? "http://127.0.0.1:3000";

export default defineConfig({
  build: {
    target: "es2022",
    // The app's CSP forbids inline scripts; keep Vite from inlining anything as a data: URL
    // that a script would have to load.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    // Which files each entry loads, for the size budgets (scripts/budget.mjs).
    manifest: true,
    rollupOptions: {
      input: { guest: "index.html", staff: "staff/index.html" },
    },
  },
  server: {
    host: "127.0.0.1",
    port: 5173,
    strictPort: true,
    proxy: {
      "/api": { target: api, changeOrigin: false },
      "/images": { target: api },
      "/_local": { target: api },
    },
  },
});
