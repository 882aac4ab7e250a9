/**
 * Two test projects, one `npm test`: "workers" runs inside workerd against real local D1, KV and Durable
 * Objects (system migrations applied); "node" runs what needs Node (the CLI, OpenAPI validation with ajv,
 * tsc) against a real `wrangler dev` server each file starts.
 */
import { readdir } from "node:fs/promises";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

/** Node-side tests: everything under test/cli, and any `*.node.test.ts`. */
const NODE_TESTS = ["test/cli/**/*.test.ts", "test/**/*.node.test.ts"];

export default defineConfig(async () => ({
  test: {
    // Request logs of passing tests are noise; a failing test still shows what it logged.
    silent: "passed-only" as const,
    projects: [
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              // Cloudflare Email Service, simulated locally: the binding refuses recipients outside this list,
              // which is how the tests see that mail really went through it (test/ops/mail-binding.test.ts).
              email: {
                send_email: [{ name: "EMAIL", allowed_destination_addresses: ["ops@edgebase.test"] }],
              },
              bindings: {
                // Local development (src/http/auth-env.ts): the dev mailer and Host-based links are allowed.
                EDGEBASE_DEV: "1",
                // Requests run on D1 sessions, as on a replicated database (src/http/middleware/d1-session.ts);
                // test/http/middleware/d1-session.test.ts also covers the default, without replication.
                EDGEBASE_D1_READ_REPLICATION: "on",
                TEST_MIGRATIONS: await readD1Migrations("migrations"),
                TEST_LOGS_MIGRATIONS: await readD1Migrations("migrations-logs"),
                // The raw listing lets a test catch nested migration folders, which readD1Migrations skips silently.
                TEST_MIGRATION_ENTRIES: await listMigrationEntries("migrations"),
                // `RULES_PROPERTY_RUNS=2000 npm test -- test/rules` runs the rules property tests longer (seed: RULES_PROPERTY_SEED).
                RULES_PROPERTY_RUNS: process.env.RULES_PROPERTY_RUNS ?? "",
                RULES_PROPERTY_SEED: process.env.RULES_PROPERTY_SEED ?? "",
                // `ROBUSTNESS_RUNS=10 npm test -- test/faults test/records test/rules/robustness.test.ts` runs the
                // hostile-input and fault model tests 10× longer (seed: ROBUSTNESS_SEED); see test/helpers/property-runs.ts.
                ROBUSTNESS_RUNS: process.env.ROBUSTNESS_RUNS ?? "",
                ROBUSTNESS_SEED: process.env.ROBUSTNESS_SEED ?? "",
                // Webhook retries a second apart (4 attempts in all), so retry tests finish in seconds.
                EDGEBASE_WEBHOOK_RETRY_DELAYS: "1,1,1",
              },
            },
          }),
        ],
        test: {
          name: "workers",
          setupFiles: ["./test/setup.ts"],
          // Real external parties (an OIDC provider, a webhook receiver) run in Node and hand their ports to
          // the workers tests through provide/inject.
          globalSetup: [
            "./test/global-setup/smtp.ts",
            "./test/global-setup/hook-receiver.ts",
            "./test/global-setup/webhook-receiver.ts",
            "./test/global-setup/oidc.ts",
          ],
          include: ["test/**/*.test.ts"],
          exclude: NODE_TESTS,
          silent: "passed-only" as const,
          // CI is a shared 2-core machine: generous limits keep slow-but-correct tests from flaking. Nothing here
          // asserts on time; performance lives in bench/.
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: {
          name: "node",
          environment: "node",
          include: NODE_TESTS,
          silent: "passed-only" as const,
          // Each file starts its own wrangler dev server: one at a time keeps the shared cores usable.
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
}));

async function listMigrationEntries(dir: string): Promise<{ name: string; isDirectory: boolean }[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries.map((e) => ({ name: e.name, isDirectory: e.isDirectory() }));
}
