/**
 * Issue 17: request logging on vs off, on the same Worker and database. Each arm first sets `logs.maxDays` in
 * the stored settings (5: PocketBase's default, on; 0: off) and waits out the settings re-read interval, so
 * the arms differ only in whether each request becomes a log entry written after the response (waitUntil).
 * The setting is put back (on, the default) when the scenario ends.
 */
import { atLeast, defineScenarios, viewPosts } from "../lib/scenario.mjs";

/** The settings store re-reads `_params` at most every 2 s (src/collections/store.ts SCHEMA_CHECK_INTERVAL_MS). */
const RELOAD_WAIT_MS = 2_300;

/** @type {number | null} the maxDays the Worker is known to serve with */
let current = null;

/**
 * Stores `logs.maxDays` and waits until the Worker serves with it (two requests after the interval).
 * @param {import("../lib/measure.mjs").RunDeps} deps
 * @param {string} url
 * @param {number} maxDays
 */
async function setLogging(deps, url, maxDays) {
  if (current === maxDays) return;
  const db = await deps.d1("edgebase-10k");
  await db
    .prepare(
      `INSERT INTO _params ("key", "value") VALUES ('settings', json_object('logs', json_object('maxDays', ?1)))
       ON CONFLICT("key") DO UPDATE SET "value" = json_set(coalesce("value", '{}'), '$.logs.maxDays', ?1)`,
    )
    .bind(maxDays)
    .run();
  await new Promise((resolve) => setTimeout(resolve, RELOAD_WAIT_MS));
  for (let i = 0; i < 2; i++) await (await fetch(`${url}/api/health`)).arrayBuffer();
  // Check the Worker now serves with the setting: a few requests, then the log flush (250 ms) must have written
  // entries when on and none when off. A setting that did not apply would make the ratio meaningless.
  const logs = await deps.d1("edgebase-10k", "LOGS");
  const count = async () => Number(await logs.prepare("SELECT count(*) AS n FROM _logs").first("n"));
  const before = await count();
  for (let i = 0; i < 5; i++) await (await fetch(`${url}/api/health`)).arrayBuffer();
  await new Promise((resolve) => setTimeout(resolve, 600));
  const written = (await count()) - before;
  if (maxDays > 0 !== written > 0) {
    throw new Error(
      `logs.maxDays ${maxDays} did not apply: ${written} log entries were written for 5 requests`,
    );
  }
  current = maxDays;
}

/** @param {import("../lib/scenario.mjs").BenchContext} ctx */
const views = (ctx) => viewPosts(ctx.postIds("10k"));

export default defineScenarios([
  {
    id: "logging",
    title: "View by id with request logging on (logs.maxDays 5) vs off (0), same Worker (10k)",
    issue: "17: on ≥ 0.95× off",
    arms: [
      {
        name: "on",
        target: "edgebase",
        dataset: "10k",
        request: views,
        before: (deps, url) => setLogging(deps, url, 5),
      },
      {
        name: "off",
        target: "edgebase",
        dataset: "10k",
        request: views,
        before: (deps, url) => setLogging(deps, url, 0),
      },
    ],
    after: async (deps) => {
      const url = deps.urls.get("edgebase-10k");
      if (url) await setLogging(deps, url, 5);
    },
    checks: [
      {
        kind: "ratio",
        label: "throughput on / off",
        metric: "throughput",
        a: "on",
        b: "off",
        goal: atLeast(0.95),
      },
      { kind: "ratio", label: "p99 at fixed rate on / off", metric: "fixedP99", a: "on", b: "off" },
    ],
  },
]);
