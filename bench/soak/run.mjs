#!/usr/bin/env node
/**
 * `npm run soak [-- --minutes N]`: builds Edgebase as deployed, serves it from one workerd on fresh in-memory
 * state, runs the mixed load with realtime subscribers, then the hostile phase, checks what was acknowledged,
 * and exits non-zero on any 5xx, lost update, leak, integrity error, 409 without If-Match, lost If-Match
 * schema edit or memory that keeps growing. `-- --fanout` instead measures the mix with and without 40
 * subscribers side by side (the BENCHMARKS.md mixed-load row). `-- --heap` also samples the Worker isolate's JS
 * heap after GC through workerd's inspector, to tell Edgebase's memory from the runtime's (heap.mjs); with
 * `--heap-no-gc` it samples without forcing a GC (what the heap holds, garbage included); `--heap-profile` prints what
 * the Worker isolate still holds at the end by allocation stack (V8's sampling heap profiler, unminified build).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { buildBundle } from "../lib/build.mjs";
import { BUILD_DIR } from "../lib/config.mjs";
import { commitInfo, machine } from "../lib/machine.mjs";
import { moduleMap } from "../lib/profile.mjs";
import { sampleRss } from "../lib/rss.mjs";
import { createClient, Recorder } from "./client.mjs";
import { runFanoutComparison } from "./fanout.mjs";
import { retainedByStack, sampleHeap, startHeapSampling } from "./heap.mjs";
import { runHostile } from "./hostile.mjs";
import { Ledger } from "./ledger.mjs";
import { runMixed } from "./mixed.mjs";
import { failures, memoryRows, operationRows, printReport } from "./report.mjs";
import { startSoakServer } from "./server.mjs";
import { setUp } from "./setup.mjs";
import { openSubscribers, sleep } from "./subscribers.mjs";
import { checkIntegrity, checkRealtime } from "./verify.mjs";

const { values: args } = parseArgs({
  options: {
    minutes: { type: "string", default: "2" },
    "in-flight": { type: "string", default: "24" },
    subscribers: { type: "string", default: "40" },
    seed: { type: "string", default: "24" },
    fanout: { type: "boolean", default: false },
    heap: { type: "boolean", default: false },
    "heap-no-gc": { type: "boolean", default: false },
    "heap-profile": { type: "boolean", default: false },
    "inspector-port": { type: "string", default: "9329" },
    "fanout-rounds": { type: "string", default: "2" },
    "fanout-seconds": { type: "string", default: "20" },
  },
});
const minutes = Number(args.minutes);
const inFlight = Number(args["in-flight"]);
const seed = Number(args.seed);
if (!(minutes > 0 && minutes <= 120)) throw new Error("--minutes must be in (0, 120]");
// The budget covers the load (not the build): the hostile phase gets about a third of it (its schema step is
// cut at that; its bursts are bounded in count), the mix the rest (at least 30 s).
const hostileSeconds = Math.min(120, Math.max(20, minutes * 20));
const mixedSeconds = Math.max(30, minutes * 60 - hostileSeconds);
const started = performance.now();
const log = (/** @type {string} */ msg) =>
  console.log(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${msg}`);

log("building the Worker with wrangler --dry-run");
let bundle;
try {
  // Readable frames for --heap-profile (its stacks name functions and modules); minified as deployed otherwise.
  bundle = buildBundle("edgebase-soak", { minify: !args["heap-profile"] });
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
/** @type {string[]} */
const logs = [];
const server = await startSoakServer(
  bundle.main,
  (line) => {
    if (logs.length < 10_000) logs.push(line);
  },
  { inspectorPort: args.heap || args["heap-profile"] ? Number(args["inspector-port"]) : undefined },
);
const rss = sampleRss(2_000);
// Every 10 s: a forced GC per sample must not itself shape the figures.
const heap = args.heap
  ? await sampleHeap(Number(args["inspector-port"]), 10_000, !args["heap-no-gc"])
  : undefined;
if (heap) log(`sampling the JS heap of: ${heap.targets.join(", ")}`);
const heapProfile = args["heap-profile"]
  ? await startHeapSampling(Number(args["inspector-port"]), "core:user:")
  : undefined;
const recorder = new Recorder();
const client = createClient(server.url, recorder);
const ledger = new Ledger();
const clock = () => performance.now();
let exitCode = 1;
try {
  const fx = await setUp(client, Math.max(inFlight, 20));
  const deps = { client, ledger, fx, clock };
  if (args.fanout) {
    await runFanoutComparison(
      server.url,
      { ledger, fx, clock },
      {
        rounds: Number(args["fanout-rounds"]),
        seconds: Number(args["fanout-seconds"]),
        inFlight,
        subscribers: 40,
        seed,
        log,
      },
    );
    exitCode = 0;
  } else {
    log(`opening ${args.subscribers} realtime subscribers`);
    const subs = await openSubscribers(server.url, Number(args.subscribers), {
      users: fx.users,
      failTitles: ledger.failTitles,
      clock,
      reconnectEveryMs: 20_000,
    });
    log(`mixed phase: ${inFlight} in flight for ${mixedSeconds.toFixed(0)} s`);
    await runMixed(deps, { inFlight, seconds: mixedSeconds, seed });
    log("hostile phase");
    const hostile = await runHostile(deps, { seed, schemaRounds: 10, schemaSeconds: hostileSeconds / 2 });
    log("settling realtime (5 s), then checking");
    await sleep(5_000);
    if (heapProfile) printHeapProfile(await heapProfile.stop(), bundle.main);
    await Promise.all(subs.map((s) => s.close()));
    const integrity = await checkIntegrity(deps);
    rss.stop();
    heap?.stop();
    const seconds = (performance.now() - started) / 1000;
    const result = {
      ops: operationRows(recorder, seconds),
      recorder,
      integrity,
      realtime: checkRealtime(
        ledger,
        subs.map((s) => s.seen),
      ),
      listLeaks: ledger.listLeaks,
      memory: memoryRows(rss.samples),
      heap: heap ? memoryRows(heap.samples) : [],
      heapGc: !args["heap-no-gc"],
      schemaEdits: hostile.schemaEdits,
    };
    const failed = failures(result);
    printReport({ ...result, logs, seconds, failed, sameDelete: hostile.sameDelete });
    const dir = join(BUILD_DIR, "soak");
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
    writeFileSync(
      file,
      JSON.stringify(
        {
          git: commitInfo(),
          machine: machine(),
          settings: { minutes, inFlight, subscribers: Number(args.subscribers), seed, mixedSeconds },
          ops: result.ops.map(({ op, count, statuses, p50, p99, fivexx }) => ({
            op,
            count,
            statuses,
            p50,
            p99,
            fivexx,
          })),
          counter: integrity.counter,
          integrityErrors: integrity.errors,
          realtime: result.realtime,
          memory: result.memory,
          heap: result.heap,
          schemaEdits: hostile.schemaEdits,
          serverErrors: recorder.serverErrors,
          conflictsWithoutIfMatch: recorder.conflictsWithoutIfMatch.length,
          failed,
        },
        null,
        1,
      ),
    );
    log(`run file: ${file}`);
    exitCode = failed.length === 0 ? 0 : 1;
  }
} finally {
  rss.stop();
  heap?.stop();
  await server.dispose();
}
process.exit(exitCode);

/**
 * Prints what the Worker isolate still holds at the end by allocation stack (`--heap-profile`).
 * @param {{ name: string, head: import("./heap.mjs").HeapNode }[]} profiles
 * @param {string} bundlePath
 */
function printHeapProfile(profiles, bundlePath) {
  const map = moduleMap(bundlePath);
  for (const { name, head } of profiles) {
    const rows = retainedByStack(head, (_url, line) => map(line));
    const total = rows.reduce((n, r) => n + r.bytes, 0);
    console.log(`\nlive bytes by allocation stack, ${name}: ${(total / 2 ** 20).toFixed(1)} MB sampled`);
    for (const r of rows.slice(0, 25)) console.log(`  ${(r.bytes / 2 ** 20).toFixed(2)} MB  ${r.stack}`);
  }
}
