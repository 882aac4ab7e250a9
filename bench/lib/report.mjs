/** Run output: the JSON file in bench/results/, the ratio table on stdout and the table in BENCHMARKS.md. */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { RESULTS_DIR, ROOT } from "./config.mjs";

/** @typedef {import("./measure.mjs").ScenarioResult} ScenarioResult */
/** @typedef {import("./startup.mjs").StartupResult} StartupResult */
/**
 * @typedef {object} RunResult
 * @property {"full" | "quick" | "dev"} kind
 * @property {string} started
 * @property {string} finished
 * @property {{ commit: string, uncommittedFiles: number }} git
 * @property {Record<string, string>} versions
 * @property {Record<string, unknown>} machine
 * @property {Record<string, unknown>} settings
 * @property {Record<string, { rows: number, reused: boolean, ms: number }>} seed
 * @property {ReturnType<typeof import("./startup.mjs").bundleSizes>} bundle
 * @property {StartupResult[]} startup
 * @property {ScenarioResult[]} scenarios
 * @property {string} [file] the run file, relative to the repository root
 */

const START = "<!-- bench:results:start -->";
const END = "<!-- bench:results:end -->";

/**
 * Writes the run file; returns its path.
 * @param {RunResult} run
 */
export function writeRunFile(run) {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = run.started.replace(/:\d\d\.\d+Z$/, "").replace(/:/g, "-");
  const path = join(RESULTS_DIR, `${stamp}-${run.git.commit.slice(0, 7)}-${run.kind}.json`);
  writeFileSync(path, `${JSON.stringify(run, null, 2)}\n`);
  return path;
}

const kib = (/** @type {number} */ n) => `${(n / 1024).toFixed(1)} KiB`;
const ms = (/** @type {number} */ n) => `${n.toFixed(2)} ms`;

/** @param {import("./measure.mjs").CheckResult} c */
function verdict(c) {
  if (c.met === undefined) return "info";
  return c.met ? "met" : "NOT met";
}

/**
 * The run as Markdown tables (also printed to the console).
 * @param {RunResult} run
 */
export function renderMarkdown(run) {
  const lines = [];
  lines.push(
    `Run: **${run.kind}**, ${run.started} (commit \`${run.git.commit.slice(0, 7)}\`${run.git.uncommittedFiles ? `, ${run.git.uncommittedFiles} uncommitted files in the tree` : ""}), ` +
      `${run.settings.rounds} interleaved rounds × ${run.settings.seconds} s per mode, ${run.settings.connections} connections, ` +
      `fixed rate = ${run.settings.fixedFraction} × the slowest arm's saturation throughput. Machine: ${run.machine.cpus} × ${run.machine.cpu}, ` +
      `load average at start ${JSON.stringify(run.machine.loadavg)}; client/server pinning: ${run.settings.pinning}.`,
    "",
    "| Scenario | Check | Value | Target | Verdict |",
    "| --- | --- | --- | --- | --- |",
  );
  for (const s of run.scenarios) {
    const name = `${s.title}${s.issue ? ` (issue ${s.issue.split(":")[0]})` : ""}`;
    if (s.status !== "measured") {
      lines.push(
        `| ${name} | — | — | ${s.issue ? s.issue.split(": ")[1] : "—"} | ${s.status}: ${s.reason ?? ""} |`,
      );
      continue;
    }
    for (const c of s.checks)
      lines.push(`| ${name} | ${c.label} | ${c.value}${c.unit} | ${c.goal ?? "—"} | ${verdict(c)} |`);
  }
  const b = run.bundle;
  const deploy = b.bundles.find((x) => x.name === "deploy");
  if (deploy) {
    lines.push(
      `| Bundle size (issue 6) | gzip of the deployed Worker | ${kib(deploy.gzip)} (${(b.deployShareOfLimit * 100).toFixed(1)}% of 3 MB) | ≤ 3 MB gzip | ${b.met ? "met" : "NOT met"} |`,
    );
  }
  const hello = run.startup.find((x) => x.name === "hello");
  const edgebase = run.startup.find((x) => x.name === "edgebase");
  if (hello && edgebase) {
    lines.push(
      `| Worker startup (issue 6) | script startup per Worker, Edgebase − hello | ${ms(edgebase.perWorkerOverHelloMs)} wall, ${ms(edgebase.cpuPerWorkerOverHelloMs ?? Number.NaN)} CPU | (1 s startup limit) | info |`,
    );
  }
  lines.push(
    "",
    "| Scenario | Arm | Worker | req/s (saturation) | p50 / p99 at saturation | fixed rate | p50 / p99 at fixed rate |",
  );
  lines.push("| --- | --- | --- | --- | --- | --- | --- |");
  for (const s of run.scenarios) {
    for (const a of s.arms) {
      const m = a.median;
      lines.push(
        `| ${s.id} | ${a.name} | ${a.worker} | ${m.throughput.toFixed(0)} | ${ms(m.satP50)} / ${ms(m.satP99)} | ${s.fixedRate} req/s | ${ms(m.fixedP50)} / ${ms(m.fixedP99)} |`,
      );
    }
  }
  const copies = run.startup[0]?.copies ?? 0;
  lines.push(
    "",
    `| Bundle | raw | gzip | fresh runtime with ${copies} copies, all answered | startup per Worker over hello | CPU per Worker over hello |`,
    "| --- | --- | --- | --- | --- | --- |",
  );
  for (const x of b.bundles) {
    const st = run.startup.find((y) => y.name === x.name);
    lines.push(
      `| ${x.name} | ${kib(x.raw)} | ${kib(x.gzip)} | ${st ? ms(st.allFirstResponsesMs) : "—"} | ${st ? ms(st.perWorkerOverHelloMs) : "—"} | ${st?.cpuPerWorkerOverHelloMs !== undefined ? ms(st.cpuPerWorkerOverHelloMs) : "—"} |`,
    );
  }
  const seeds = Object.entries(run.seed).map(
    ([k, v]) => `${k}: ${v.reused ? "reused" : `${(v.ms / 1000).toFixed(1)} s`}`,
  );
  lines.push("", `Seeding (${seeds.join(", ")}). Raw data: \`${run.file ?? "bench/results/"}\`.`);
  return lines.join("\n");
}

/**
 * Replaces the results section of BENCHMARKS.md (between the bench:results markers) with this run.
 * @param {RunResult} run
 * @returns {boolean} false when the markers are missing
 */
export function updateBenchmarksMd(run) {
  const path = join(ROOT, "BENCHMARKS.md");
  let text;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return false;
  }
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start < 0 || end < start) return false;
  writeFileSync(path, `${text.slice(0, start + START.length)}\n${renderMarkdown(run)}\n${text.slice(end)}`);
  return true;
}
