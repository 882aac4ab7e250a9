/**
 * What a scenario module declares: arms (one request shape on one target Worker), measured in interleaved
 * rounds, and checks (ratios or slopes between arms, optionally against the issue's target).
 */

/** @typedef {import("./config.mjs").DatasetName} DatasetName */
/** @typedef {import("./server.mjs").TargetKind} TargetKind */
/** @typedef {import("./load-client.mjs").RequestSpec} RequestSpec */

/**
 * Everything a request builder may need, prepared once per run.
 * @typedef {object} BenchContext
 * @property {(dataset: DatasetName) => string[]} postIds ids of existing posts, spread over the dataset
 * @property {string} ownerId the seeded user whose posts the owner-rule scenario lists
 * @property {string} baselineToken HS256 token for `ownerId`, as the baseline's hand-written auth expects
 * @property {{ token: string, userId: string } | null} edgebaseSession a signed-in Edgebase user, once auth exists
 * @property {string} edgebaseSessionError why `edgebaseSession` is null
 */

/**
 * One measured request stream. A builder returning a string instead of a request marks the arm (and its
 * scenario) pending with that reason.
 * @typedef {object} Arm
 * @property {string} name short label, unique in the scenario
 * @property {TargetKind} target which Worker serves it
 * @property {DatasetName} [dataset] which dataset's database (not for hello)
 * @property {number} [rows] row count, filled in by the runner (for slopes)
 * @property {(ctx: BenchContext) => RequestSpec | string} request
 * @property {(deps: import("./measure.mjs").RunDeps, url: string) => Promise<void>} [before] runs before each
 *   measurement of this arm (warm-up included), e.g. to put the Worker in the arm's state
 */

/**
 * `metric` names a per-round measurement: throughput at saturation, or latency percentiles (ms) at
 * saturation (`sat*`) or at the scenario's fixed request rate (`fixed*`).
 * @typedef {"throughput" | "satP50" | "satP99" | "fixedP50" | "fixedP99"} Metric
 * @typedef {{ op: ">=" | "<=", value: number, text: string }} Goal
 * @typedef {{ kind: "ratio", label: string, metric: Metric, a: string, b: string, goal?: Goal }} RatioCheck
 * @typedef {{ kind: "slope", label: string, metric: Metric, arms: string[] }} SlopeCheck
 * @typedef {RatioCheck | SlopeCheck} Check
 */

/**
 * @typedef {object} Scenario
 * @property {string} id stable id used in result files
 * @property {string} title one line for tables
 * @property {string} [issue] the issue's scenario number and target, for the report
 * @property {Arm[]} arms
 * @property {Check[]} checks
 * @property {boolean} [sameItems] every arm lists the same rows (checked before measuring: same totals, page size)
 * @property {(deps: import("./measure.mjs").RunDeps) => Promise<import("./measure.mjs").ScenarioResult>} [run]
 *   measures the scenario itself instead of the request arms (e.g. WebSocket fan-out); `arms` is then empty
 * @property {(deps: import("./measure.mjs").RunDeps) => Promise<void>} [after] runs once the scenario is
 *   measured (or failed), e.g. to undo what the arms' `before` changed
 */

/**
 * Declares scenarios (identity; gives modules type checking without a TS build step).
 * @param {Scenario[]} scenarios
 */
export function defineScenarios(scenarios) {
  return scenarios;
}

/**
 * A GET request on one path, with optional headers.
 * @param {string} path
 * @param {Record<string, string>} [headers]
 * @returns {RequestSpec}
 */
export function get(path, headers) {
  return { method: "GET", paths: [path], ...(headers ? { headers } : {}) };
}

/**
 * A PocketBase list URL for `collection` with the given query parameters.
 * @param {string} collection
 * @param {Record<string, string | number>} params
 */
export function listPath(collection, params) {
  const query = new URLSearchParams(
    Object.entries(params).map(([k, v]) => /** @type {[string, string]} */ ([k, String(v)])),
  );
  return `/api/collections/${collection}/records?${query}`;
}

/**
 * A ratio goal "at least `value`×" (higher is better, e.g. throughput).
 * @param {number} value
 * @returns {Goal}
 */
export function atLeast(value) {
  return { op: ">=", value, text: `≥ ${value}×` };
}

/**
 * A ratio goal "at most `value`×" (lower is better, e.g. latency).
 * @param {number} value
 * @returns {Goal}
 */
export function atMost(value) {
  return { op: "<=", value, text: `≤ ${value}×` };
}

/**
 * A scenario measuring Edgebase against the baseline on the same request and dataset, with the issue's
 * goals as checks: throughput ratio at least `throughput`, p99 ratios (saturation, fixed rate) at most `p99`.
 * @param {{ id: string, title: string, issue: string, dataset: DatasetName, sameItems?: boolean,
 *   request: Arm["request"], goals: { throughput: number, p99?: number } }} spec
 * @returns {Scenario}
 */
export function versusBaseline(spec) {
  const { goals, request, dataset } = spec;
  /** @type {Check[]} */
  const checks = [
    {
      kind: "ratio",
      label: "throughput",
      metric: "throughput",
      a: "edgebase",
      b: "baseline",
      goal: atLeast(goals.throughput),
    },
  ];
  if (goals.p99 !== undefined) {
    checks.push(
      {
        kind: "ratio",
        label: "p99 at saturation",
        metric: "satP99",
        a: "edgebase",
        b: "baseline",
        goal: atMost(goals.p99),
      },
      {
        kind: "ratio",
        label: "p99 at fixed rate",
        metric: "fixedP99",
        a: "edgebase",
        b: "baseline",
        goal: atMost(goals.p99),
      },
    );
  }
  return {
    id: spec.id,
    title: spec.title,
    issue: spec.issue,
    ...(spec.sameItems ? { sameItems: true } : {}),
    arms: [
      { name: "edgebase", target: "edgebase", dataset, request },
      { name: "baseline", target: "baseline", dataset, request },
    ],
    checks,
  };
}

/**
 * View-by-id requests rotating over the given record ids of the posts collection.
 * @param {string[]} ids
 * @returns {RequestSpec}
 */
export function viewPosts(ids) {
  return { method: "GET", paths: ids.map((id) => `/api/collections/posts/records/${id}`) };
}
