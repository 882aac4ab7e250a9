/**
 * Scenario 6: bundle size against the Free-plan limit and Worker startup, measured as the time from creating
 * a fresh Miniflare (a new workerd process) to the first response, interleaved across bundles.
 */
import { readdirSync, readFileSync } from "node:fs";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { FREE_PLAN_GZIP_LIMIT } from "./config.mjs";
import { workerOptions } from "./server.mjs";
import { median, round3 } from "./stats.mjs";

/** @typedef {import("./build.mjs").Bundle} Bundle */
/**
 * @typedef {{ name: string, copies: number, allFirstResponsesMs: number, perWorkerOverHelloMs: number,
 *   trials: number[], cpuMs: number, cpuPerWorkerOverHelloMs: number, cpuTrials: number[] }} StartupResult
 */

const existsProc = (() => {
  try {
    readdirSync("/proc/self");
    return true;
  } catch {
    return false;
  }
})();

/** Path each Worker answers 200 on without touching storage. */
const PROBE = /** @type {const} */ ({ hello: "/", baseline: "/does-not-exist", edgebase: "/api/health" });

/**
 * Sizes of every bundle and whether the shipped one fits the Free plan.
 * @param {Bundle[]} bundles
 */
export function bundleSizes(bundles) {
  const deploy = bundles.find((b) => b.name === "deploy");
  return {
    limitGzip: FREE_PLAN_GZIP_LIMIT,
    bundles: bundles.map((b) => ({ name: b.name, raw: b.raw, gzip: b.gzip })),
    deployShareOfLimit: deploy ? round3(deploy.gzip / FREE_PLAN_GZIP_LIMIT) : Number.NaN,
    met: deploy ? deploy.gzip <= FREE_PLAN_GZIP_LIMIT : false,
  };
}

/**
 * Startup per Worker: each trial starts a fresh runtime holding `copies` separate copies of one bundle (each
 * its own isolate) and waits for the first response of every copy. A runtime's own start (~0.5 s, noisy) is
 * the same for every bundle, so (time(bundle) − time(hello)) / copies is the script's startup cost, amplified
 * `copies` times above the noise. Trials interleave the bundles.
 * @param {Record<"hello" | "baseline" | "edgebase", Bundle>} bundles
 * @param {{ trials: number, copies: number }} options
 * @returns {Promise<StartupResult[]>}
 */
export async function measureStartup(bundles, options) {
  const kinds = /** @type {const} */ (["hello", "baseline", "edgebase"]);
  /** @type {Record<string, number[]>} */
  const samples = { hello: [], baseline: [], edgebase: [] };
  /** @type {Record<string, number[]>} */
  const cpu = { hello: [], baseline: [], edgebase: [] };
  for (let t = 0; t < options.trials; t++) {
    const order = t % 2 === 0 ? kinds : [...kinds].reverse();
    for (const kind of order) {
      const trial = await startOnce(kind, bundles[kind].main, options.copies);
      samples[kind]?.push(trial.wallMs);
      cpu[kind]?.push(trial.cpuMs);
    }
  }
  const hello = median(samples.hello ?? []);
  const helloCpu = median(cpu.hello ?? []);
  return kinds.map((name) => {
    const s = samples[name] ?? [];
    const c = cpu[name] ?? [];
    return {
      name,
      copies: options.copies,
      allFirstResponsesMs: round3(median(s)),
      perWorkerOverHelloMs: round3((median(s) - hello) / options.copies),
      trials: s.map(round3),
      cpuMs: round3(median(c)),
      cpuPerWorkerOverHelloMs: round3((median(c) - helloCpu) / options.copies),
      cpuTrials: c,
    };
  });
}

/**
 * CPU time (user + system, 10 ms ticks) spent so far by the workerd processes this process started. Unlike
 * wall time it barely moves when other jobs share the machine, so it is the startup figure to compare.
 */
function workerdCpuMs() {
  let ms = 0;
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    let stat;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    } catch {
      continue; // exited meanwhile
    }
    if (!stat.includes("(workerd)")) continue;
    // Fields after "(comm) ": state, ppid, …, utime (14th field overall), stime (15th).
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(rest[1]) !== process.pid) continue;
    ms += ((Number(rest[11]) + Number(rest[12])) * 1000) / 100;
  }
  return ms;
}

/**
 * Milliseconds from creating the runtime to the first response of every copy, and the runtime's CPU time by
 * then (0 where /proc is missing).
 * @param {"hello" | "baseline" | "edgebase"} kind
 * @param {string} main
 * @param {number} copies
 */
async function startOnce(kind, main, copies) {
  const workers = Array.from({ length: copies }, (_, i) => ({
    ...workerOptions(kind, main),
    name: `${kind}-${i}`,
  }));
  const started = performance.now();
  const mf = new Miniflare(convertV4MiniflareOptions({ workers }));
  try {
    await mf.ready;
    await Promise.all(
      workers.map(async (w) => {
        const res = await fetch(new URL(PROBE[kind], await mf.unsafeGetDirectURL(w.name)));
        await res.arrayBuffer();
      }),
    );
    const wallMs = performance.now() - started;
    return { wallMs, cpuMs: existsProc ? workerdCpuMs() : 0 };
  } finally {
    await mf.dispose();
  }
}
