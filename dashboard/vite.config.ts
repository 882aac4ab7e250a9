/**
 * Builds the admin dashboard (a Svelte 5 single-page app) into public/_/, which Workers Static Assets serve at
 * /_/. Nothing here is bundled into the Worker, so the dashboard costs the API neither bundle size nor startup.
 */
import { fileURLToPath } from "node:url";
import { svelte } from "@sveltejs/vite-plugin-svelte";
import { defineConfig } from "vite";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "/_/",
  plugins: [svelte()],
  // The dev server (`npm run dashboard:dev`) proxies the API to a running `npm run dev`.
  server: { proxy: { "/api": process.env.EDGEBASE_URL ?? "http://127.0.0.1:8787" } },
  build: {
    outDir: fileURLToPath(new URL("../public/_", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
    // The first screen's budget is 200 KB gzip (issue 19); `npm run dashboard:size` (scripts/dashboard-size.mjs)
    // checks the real figure, and `npm run test:e2e` runs it before the browser tests.
    chunkSizeWarningLimit: 600,
  },
});
