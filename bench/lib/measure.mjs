/**
 * Runs one scenario: probes every arm (an Edgebase 404 means "pending", never a fake number), warms up, then
 * measures saturation and fixed-rate rounds with the arms interleaved, and evaluates the checks.
 */

import { cut, probeArms } from "./probe.mjs";
import { workerName } from "./server.mjs";
import { median, round3, slope } from "./stats.mjs";

/** @typedef {import("./scenario.mjs").Scenario} Scenario */
/** @typedef {import("./scenario.mjs").Arm} Arm */
/** @typedef {import("./scenario.mjs").Metric} Metric */
/** @typedef {import("./scenario.mjs").BenchContext} BenchContext */
/** @typedef {import("./load-client.mjs").LoadResult} LoadResult */
/** @typedef {import("./load-client.mjs").RequestSpec} RequestSpec */
/** @typedef {ReturnType<typeof import("./load.mjs").startLoadClient>} LoadClient */

/**
 * @typedef {object} Settings
 * @property {number} rounds interleaved rounds per mode (saturation, fixed rate)
 * @property {number} seconds duration of each measurement
 * @property {number} warmupSeconds one unmeasured run per arm before the rounds
 * @property {number} connections concurrent connections of every measurement
 * @property {number} fixedFraction fixed rate as a fraction of the slowest arm's median saturation throughput
 * @property {string} [kind] the run's preset (full, quick, dev) (scenarios with their own sizes read it)
 */

/**
 * @typedef {{ throughput: number, satP50: number, satP99: number, fixedP50: number, fixedP99: number,
 *   fixedThroughput: number, failed: number }} ArmMedians
 * @typedef {{ name: string, worker: string, rows?: number, path: string, rounds: { sat: LoadResult, fixed: LoadResult }[],
 *   median: ArmMedians }} ArmResult
 * @typedef {{ label: string, metric: Metric | "delivery" | "deliveryP99", value: number, unit: string, goal?: string, met?: boolean }} CheckResult
 * @typedef {{ id: string, title: string, issue?: string, status: "measured" | "pending" | "skipped" | "error",
 *   reason?: string, fixedRate?: number, arms: ArmResult[], checks: CheckResult[], details?: unknown }} ScenarioResult
 * @typedef {{ urls: Map<string, string>, ctx: BenchContext, client: LoadClient, settings: Settings,
 *   rows: Record<string, number>, log: (msg: string) => void,
 *   d1: (worker: string, binding?: string) => Promise<import("./seed.mjs").D1> }} RunDeps
 *   d1: a D1 binding (default DB) of a running Worker (for arms that set or check stored state, such as settings)
 */

/**
 * @param {Scenario} scenario
 * @param {RunDeps} deps
 * @returns {Promise<ScenarioResult>}
 */
export async function runScenario(scenario, deps) {
  try {
    return await measureScenario(scenario, deps);
  } finally {
    await scenario.after?.(deps);
  }
}

/**
 * @param {Scenario} scenario
 * @param {RunDeps} deps
 * @returns {Promise<ScenarioResult>}
 */
async function measureScenario(scenario, deps) {
  if (scenario.run) return scenario.run(deps);
  const { urls, ctx, client, settings, log } = deps;
  const head = {
    id: scenario.id,
    title: scenario.title,
    ...(scenario.issue ? { issue: scenario.issue } : {}),
  };
  /** @type {{ arm: Arm, worker: string, url: string, request: RequestSpec }[]} */
  const arms = [];
  for (const arm of scenario.arms) {
    const worker = workerName(arm.target, arm.dataset);
    const url = urls.get(worker);
    if (!url)
      return {
        ...head,
        status: "skipped",
        reason: `needs the ${arm.dataset} dataset (full run)`,
        arms: [],
        checks: [],
      };
    const request = arm.request(ctx);
    if (typeof request === "string")
      return { ...head, status: "pending", reason: request, arms: [], checks: [] };
    arms.push({ arm, worker, url, request });
  }
  const probeArmsInput = arms.map((a) => ({
    name: a.arm.name,
    target: a.arm.target,
    url: a.url,
    request: a.request,
  }));
  const failure = await probeArms(probeArmsInput, scenario.sameItems === true);
  if (failure) return { ...head, ...failure, arms: [], checks: [] };

  const spec = (/** @type {(typeof arms)[number]} */ a, /** @type {number} */ seconds, rate = 0) => ({
    url: a.url,
    request: a.request,
    seconds,
    connections: settings.connections,
    ...(rate ? { rate } : {}),
  });
  const measure = async (/** @type {(typeof arms)[number]} */ a, /** @type {number} */ seconds, rate = 0) => {
    await a.arm.before?.(deps, a.url);
    return client.run(spec(a, seconds, rate));
  };
  for (const a of arms) await measure(a, settings.warmupSeconds);

  /** @type {{ sat: LoadResult[], fixed: LoadResult[] }[]} */
  const runs = arms.map(() => ({ sat: [], fixed: [] }));
  // Alternate the order every round (A B, B A, ...) so slow drift in machine load hits every arm alike.
  const order = (/** @type {number} */ round) =>
    round % 2 === 0 ? arms.map((_, i) => i) : arms.map((_, i) => arms.length - 1 - i);
  for (let r = 0; r < settings.rounds; r++) {
    for (const i of order(r))
      runs[i]?.sat.push(await measure(/** @type {(typeof arms)[number]} */ (arms[i]), settings.seconds));
  }
  const slowest = Math.min(...runs.map((x) => median(x.sat.map((s) => s.throughput))));
  const fixedRate = Math.max(1, Math.floor(slowest * settings.fixedFraction));
  for (let r = 0; r < settings.rounds; r++) {
    for (const i of order(r)) {
      runs[i]?.fixed.push(
        await measure(/** @type {(typeof arms)[number]} */ (arms[i]), settings.seconds, fixedRate),
      );
    }
  }

  /** @type {ArmResult[]} */
  const armResults = arms.map((a, i) => {
    const { sat, fixed } = /** @type {(typeof runs)[number]} */ (runs[i]);
    const rows = a.arm.dataset ? deps.rows[a.arm.dataset] : undefined;
    return {
      name: a.arm.name,
      worker: a.worker,
      ...(rows ? { rows } : {}),
      path: `${a.request.method} ${cut(a.request.paths[0] ?? "/")}`,
      rounds: sat.map((s, k) => ({ sat: s, fixed: /** @type {LoadResult} */ (fixed[k]) })),
      median: {
        throughput: round3(median(sat.map((s) => s.throughput))),
        satP50: round3(median(sat.map((s) => s.p50))),
        satP99: round3(median(sat.map((s) => s.p99))),
        fixedP50: round3(median(fixed.map((s) => s.p50))),
        fixedP99: round3(median(fixed.map((s) => s.p99))),
        fixedThroughput: round3(median(fixed.map((s) => s.throughput))),
        failed: [...sat, ...fixed].reduce((n, s) => n + s.failed, 0),
      },
    };
  });
  const failing = armResults.find((a) => a.median.failed > 0);
  const checks = scenario.checks.map((c) => evaluate(c, armResults));
  log(`  ${scenario.id}: ${checks.map((c) => `${c.label} ${c.value}${c.unit}`).join(", ")}`);
  return {
    ...head,
    status: failing ? "error" : "measured",
    ...(failing
      ? { reason: `${failing.name}: ${failing.median.failed} failed requests (non-2xx or errors)` }
      : {}),
    fixedRate,
    arms: armResults,
    checks,
  };
}

/**
 * @param {import("./scenario.mjs").Check} check
 * @param {ArmResult[]} arms
 * @returns {CheckResult}
 */
function evaluate(check, arms) {
  const byName = new Map(arms.map((a) => [a.name, a]));
  const perRound = (/** @type {ArmResult} */ arm, /** @type {number} */ k) =>
    metricOf(arm.rounds[k], check.metric);
  if (check.kind === "slope") {
    const series = check.arms.map((n) => /** @type {ArmResult} */ (byName.get(n)));
    const xs = series.map((a) => (a.rows ?? 0) / 100_000);
    const ys = series.map((a) => a.median[check.metric]);
    return {
      label: check.label,
      metric: check.metric,
      value: round3(slope(xs, ys)),
      unit: " ms per 100k rows",
    };
  }
  const a = /** @type {ArmResult} */ (byName.get(check.a));
  const b = /** @type {ArmResult} */ (byName.get(check.b));
  // The median of per-round ratios: each round's pair ran back to back, under the same machine load.
  // A round where an arm answered nothing (0 req/s) has no ratio; with none left the value is NaN, never Infinity.
  const ratios = a.rounds.map((_, k) => perRound(a, k) / perRound(b, k)).filter(Number.isFinite);
  const value = ratios.length > 0 ? round3(median(ratios)) : Number.NaN;
  const goal = check.goal;
  if (!goal) return { label: check.label, metric: check.metric, value, unit: "×" };
  const met = goal.op === ">=" ? value >= goal.value : value <= goal.value;
  return { label: check.label, metric: check.metric, value, unit: "×", goal: goal.text, met };
}

/**
 * @param {{ sat: LoadResult, fixed: LoadResult } | undefined} round
 * @param {Metric} metric
 */
function metricOf(round, metric) {
  if (!round) return Number.NaN;
  if (metric === "throughput") return round.sat.throughput;
  if (metric === "satP50") return round.sat.p50;
  if (metric === "satP99") return round.sat.p99;
  if (metric === "fixedP50") return round.fixed.p50;
  return round.fixed.p99;
}
