/**
 * Browser tests of the dashboard (`npm run test:e2e`): playwright-core drives the system Chromium (Debian's
 * `chromium`, or CHROME_PATH) against a real `wrangler dev` with fresh local state. Not part of `npm test`:
 * they need a browser, which .ci/run installs.
 */
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    name: "e2e",
    environment: "node",
    include: ["test/e2e/**/*.e2e.ts"],
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 180_000,
    // The page updates after a round trip to workerd on a shared machine: polls wait up to 15 s.
    expect: { poll: { timeout: 15_000 } },
  },
});
