#!/usr/bin/env node
/**
 * `npm run bench [-- --quick]`: builds the Workers, seeds the datasets, serves everything from one workerd,
 * measures every scenario against its baseline side by side, and writes bench/results/ + the ratio table.
 */
import { relative } from "node:path";
import { parseArgs } from "node:util";
import { buildBundle } from "./lib/build.mjs";
import { DATASETS, ROOT } from "./lib/config.mjs";
import { buildContext } from "./lib/context.mjs";
import { pin, startLoadClient } from "./lib/load.mjs";
import { commitInfo, machine, versions } from "./lib/machine.mjs";
import { runScenario } from "./lib/measure.mjs";
import { renderMarkdown, updateBenchmarksMd, writeRunFile } from "./lib/report.mjs";
import { seedDatasets } from "./lib/seed.mjs";
import { baselineBuckets, startServer, workerOptions } from "./lib/server.mjs";
import { bundleSizes, measureStartup } from "./lib/startup.mjs";
import { SCENARIOS } from "./scenarios/index.mjs";

/** @typedef {import("./lib/config.mjs").DatasetName} DatasetName */

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    dev: { type: "boolean", default: false },
    only: { type: "string" },
    rounds: { type: "string" },
    seconds: { type: "string" },
    docs: { type: "boolean", default: false },
    datasets: { type: "string" },
  },
});

const kind = args.dev ? "dev" : args.quick ? "quick" : "full";
// Full: every dataset, 3 rounds of 6 s per mode (fits 20 minutes with all issue scenarios measured).
// Quick and dev: only 10k rows and short measurements (ratios are noisier; the table says which run it is).
// autocannon measures whole seconds: shorter durations round up to 1 s.
const PRESETS = {
  full: { datasets: Object.keys(DATASETS), rounds: 3, seconds: 6, warmupSeconds: 2, startupTrials: 5 },
  quick: { datasets: ["10k"], rounds: 3, seconds: 1, warmupSeconds: 1, startupTrials: 3 },
  dev: { datasets: ["10k"], rounds: 3, seconds: 1, warmupSeconds: 1, startupTrials: 1 },
};
const preset = PRESETS[kind];
const datasets = /** @type {DatasetName[]} */ (args.datasets ? args.datasets.split(",") : preset.datasets);
for (const ds of datasets)
  if (!(ds in DATASETS)) throw new Error(`unknown dataset ${ds}; known: ${Object.keys(DATASETS)}`);
const only = args.only ? new Set(args.only.split(",")) : null;
const clock = performance.now();
const log = (/** @type {string} */ msg) =>
  console.log(`[${((performance.now() - clock) / 1000).toFixed(0).padStart(4)} s] ${msg}`);

const started = new Date();
// Server (workerd, inherits this process's affinity) on CPU 1, the load client on CPU 0.
const selfPin = pin(process.pid, 1);
const settings = {
  kind,
  rounds: args.rounds ? Number(args.rounds) : preset.rounds,
  seconds: Math.max(1, Math.round(args.seconds ? Number(args.seconds) : preset.seconds)),
  warmupSeconds: preset.warmupSeconds,
  connections: 8,
  fixedFraction: 0.5,
  startupTrials: preset.startupTrials,
  pinning: selfPin ? `none (${selfPin})` : "server on CPU 1, load client on CPU 0 (taskset)",
};
const machineAtStart = machine();

log(`Edgebase bench (${kind}): building bundles with wrangler --dry-run`);
let bundles;
try {
  bundles = /** @type {const} */ (["deploy", "edgebase", "baseline", "hello", "edgebase-cached"]).map(
    (name) => buildBundle(name),
  );
} catch (error) {
  // A tree that does not build is a common state while others work in it: say so without a stack trace.
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
const [, edgebaseBundle, baselineBundle, helloBundle, cachedBundle] = bundles;
if (!edgebaseBundle || !baselineBundle || !helloBundle || !cachedBundle)
  throw new Error("bundle build incomplete");
log("Measuring Worker startup (fresh runtime per trial)");
const startup = await measureStartup(
  { hello: helloBundle, baseline: baselineBundle, edgebase: edgebaseBundle },
  { trials: settings.startupTrials, copies: 8 },
);

const workers = [workerOptions("hello", helloBundle.main)];
for (const ds of datasets) {
  workers.push(
    { ...workerOptions("baseline", baselineBundle.main, ds), r2Buckets: baselineBuckets(ds) },
    workerOptions("edgebase", edgebaseBundle.main, ds),
  );
}
// The read-cache scenario runs on 10k only; its Worker shares that dataset's D1 and KV.
if (datasets.includes("10k")) workers.push(workerOptions("edgebase-cached", cachedBundle.main, "10k"));
const server = await startServer(workers);
const client = startLoadClient(0);
try {
  const seed = await seedDatasets(server, datasets, log);

  const ctx = await buildContext(server.urls);

  log(`Load client pinning: ${client.pinError ?? "CPU 0"}; server: ${selfPin ?? "CPU 1"}`);
  const scenarios = [];
  for (const scenario of SCENARIOS) {
    if (only && !only.has(scenario.id)) continue;
    log(`Scenario ${scenario.id}: ${scenario.title}`);
    const result = await runScenario(scenario, {
      urls: server.urls,
      ctx,
      client,
      settings,
      rows: DATASETS,
      log,
      d1: (worker, binding = "DB") => server.mf.getD1Database(binding, worker),
    });
    if (result.status !== "measured") log(`  ${result.status}: ${result.reason}`);
    scenarios.push(result);
  }

  /** @type {import("./lib/report.mjs").RunResult} */
  const run = {
    kind,
    started: started.toISOString(),
    finished: new Date().toISOString(),
    git: commitInfo(),
    versions: versions(),
    machine: { ...machineAtStart, loadavgAtEnd: machine().loadavg },
    settings,
    seed,
    bundle: bundleSizes(bundles),
    startup,
    scenarios,
  };
  const file = writeRunFile(run);
  run.file = relative(ROOT, file);
  writeRunFile(run);
  console.log(`\n${renderMarkdown(run)}\n`);
  if (kind === "full" || args.docs) {
    log(
      updateBenchmarksMd(run)
        ? "BENCHMARKS.md updated with this run."
        : "BENCHMARKS.md has no results markers.",
    );
  }
  log(`Run file: ${run.file} (${((Date.now() - started.getTime()) / 1000).toFixed(0)} s)`);
} finally {
  client.stop();
  await server.dispose();
}
