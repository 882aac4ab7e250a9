#!/usr/bin/env node
/**
 * `npm run bench:profile [-- --only view,create --seconds 8]`: where a request's CPU goes. Serves the bench
 * Workers (unminified, so frames name their module) on the 10k dataset, runs each chosen scenario's arms one
 * at a time at saturation with workerd's sampling profiler on every isolate, and prints per arm the CPU per
 * request of each isolate (the Worker, and the local D1 objects), split by module: self time, and "time under"
 * (a sample counts for every Edgebase file on its stack). Raw profiles go to bench/.build/profiles/.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { parseArgs } from "node:util";
import { buildBundle } from "./lib/build.mjs";
import { BUILD_DIR, DATASETS } from "./lib/config.mjs";
import { buildContext } from "./lib/context.mjs";
import { pin, startLoadClient } from "./lib/load.mjs";
import { commitInfo, machine } from "./lib/machine.mjs";
import { moduleMap, readProfile, startProfiling } from "./lib/profile.mjs";
import { seedDatasets } from "./lib/seed.mjs";
import { baselineBuckets, startServer, workerName, workerOptions } from "./lib/server.mjs";
import { SCENARIOS } from "./scenarios/index.mjs";

const { values: args } = parseArgs({
  options: {
    only: { type: "string", default: "view,list-sort,list-rule,create,token-refresh" },
    seconds: { type: "string", default: "8" },
    top: { type: "string", default: "14" },
    // Sampling interval in µs: finer shows more of a ~1 ms request, but the profiler then slows what it measures.
    interval: { type: "string", default: "1000" },
    "inspector-port": { type: "string", default: "9339" },
  },
});
const seconds = Number(args.seconds);
const top = Number(args.top);
const port = Number(args["inspector-port"]);
const only = new Set(args.only.split(","));
const clock = performance.now();
const log = (/** @type {string} */ msg) =>
  console.log(`[${((performance.now() - clock) / 1000).toFixed(0).padStart(4)} s] ${msg}`);

const selfPin = pin(process.pid, 1);
log("building unminified bundles (edgebase, baseline)");
const edgebase = buildBundle("edgebase", { minify: false });
const baseline = buildBundle("baseline", { minify: false });
const maps = new Map([
  [basename(edgebase.main), moduleMap(edgebase.main)],
  [basename(baseline.main), moduleMap(baseline.main)],
]);
const moduleOf = (/** @type {string} */ url, /** @type {number} */ line) => {
  const map = maps.get(basename(url.replace(/^file:\/\//, "")));
  return map ? map(line) : `runtime:${basename(url)}`;
};

const server = await startServer(
  [
    workerOptions("edgebase", edgebase.main, "10k"),
    { ...workerOptions("baseline", baseline.main, "10k"), r2Buckets: baselineBuckets("10k") },
  ],
  { inspectorPort: port },
);
const client = startLoadClient(0);
const out = [];
try {
  await seedDatasets(server, ["10k"], log);
  const ctx = await buildContext(server.urls);
  const deps = {
    urls: server.urls,
    ctx,
    client,
    settings: { rounds: 1, seconds, warmupSeconds: 1, connections: 8, fixedFraction: 0.5 },
    rows: DATASETS,
    log,
    d1: (/** @type {string} */ worker, binding = "DB") => server.mf.getD1Database(binding, worker),
  };
  log(`load client: ${client.pinError ?? "CPU 0"}; server: ${selfPin ?? "CPU 1"}`);
  for (const scenario of SCENARIOS) {
    if (!only.has(scenario.id) || scenario.arms.length === 0) continue;
    try {
      for (const arm of scenario.arms) {
        const url = server.urls.get(workerName(arm.target, arm.dataset));
        const request = arm.request(ctx);
        if (!url || typeof request === "string") {
          log(`${scenario.id}/${arm.name}: skipped (${url ? request : "no such Worker here"})`);
          continue;
        }
        await arm.before?.(deps, url);
        await client.run({ url, request, seconds: 1, connections: 8 });
        const profiling = await startProfiling(port, Number(args.interval));
        const load = await client.run({ url, request, seconds, connections: 8 });
        const isolates = (await profiling.stop()).map((p) => readProfile(p.name, p.profile, moduleOf));
        out.push({ scenario: scenario.id, arm: arm.name, load, isolates });
        print(scenario.id, arm.name, load, isolates);
      }
    } finally {
      await scenario.after?.(deps);
    }
  }
} finally {
  client.stop();
  await server.dispose();
}
const dir = join(BUILD_DIR, "profiles");
mkdirSync(dir, { recursive: true });
const file = join(dir, `${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
writeFileSync(file, JSON.stringify({ git: commitInfo(), machine: machine(), seconds, runs: out }));
log(`profiles: ${file}`);

/**
 * @param {string} scenario
 * @param {string} arm
 * @param {import("./lib/load-client.mjs").LoadResult} load
 * @param {import("./lib/profile.mjs").IsolateProfile[]} isolates
 */
function print(scenario, arm, load, isolates) {
  const n = Math.max(1, load.ok);
  const per = (/** @type {number} */ us) => `${(us / n).toFixed(0)} µs`;
  console.log(
    `\n## ${scenario} / ${arm}: ${load.ok} requests in ${load.seconds} s (${load.throughput} req/s)`,
  );
  for (const iso of isolates.filter((i) => i.busyUs / n >= 5)) {
    console.log(`\n### ${iso.target}: ${per(iso.busyUs)} CPU per request (GC ${per(iso.gcUs)})`);
    console.log(
      `self: ${iso.self
        .slice(0, top)
        .map((s) => `${s.name} ${per(s.us)}`)
        .join(" · ")}`,
    );
    const src = iso.inclusive.filter((s) => s.name.startsWith("src/") || s.name.startsWith("pkg:"));
    console.log(
      `under: ${src
        .slice(0, top + 6)
        .map((s) => `${s.name} ${per(s.us)}`)
        .join(" · ")}`,
    );
    console.log(
      `functions: ${iso.functions
        .slice(0, top)
        .map((s) => `${s.name} ${per(s.us)}`)
        .join(" · ")}`,
    );
  }
}
