/**
 * Scenario 3: the same list at 10k, 100k and 1M rows. With skipTotal the page comes from the index alone, so
 * latency should barely grow; with totals every request also counts the table, so we report the slope.
 * Measured on the baseline now (the floor Edgebase can reach) and on Edgebase once records land.
 */
import { atMost, defineScenarios, get, listPath } from "../lib/scenario.mjs";

/** @typedef {import("../lib/scenario.mjs").Check} Check */
/** @typedef {import("../lib/scenario.mjs").Scenario} Scenario */

const SIZES = /** @type {const} */ (["10k", "100k", "1m"]);

/** @type {Check[]} */
const SKIP_TOTAL_CHECKS = [
  {
    kind: "ratio",
    label: "p50 1M / 10k (fixed rate)",
    metric: "fixedP50",
    a: "1m",
    b: "10k",
    goal: atMost(1.5),
  },
  { kind: "ratio", label: "throughput 1M / 10k", metric: "throughput", a: "1m", b: "10k" },
];

/** @type {Check[]} */
const TOTALS_CHECKS = [
  { kind: "slope", label: "p50 slope (fixed rate)", metric: "fixedP50", arms: [...SIZES] },
  { kind: "ratio", label: "p50 1M / 10k (fixed rate)", metric: "fixedP50", a: "1m", b: "10k" },
];

/**
 * @param {"edgebase" | "baseline"} target
 * @param {boolean} skipTotal
 * @returns {Scenario}
 */
function scaleScenario(target, skipTotal) {
  const path = listPath("posts", {
    page: 1,
    perPage: 20,
    sort: "-published",
    ...(skipTotal ? { skipTotal: 1 } : {}),
  });
  const arms = SIZES.map((dataset) => ({ name: dataset, target, dataset, request: () => get(path) }));
  return {
    id: `scale-${skipTotal ? "skiptotal" : "totals"}-${target}`,
    title: `${target === "edgebase" ? "Edgebase" : "Baseline"} list at 10k/100k/1M, ${skipTotal ? "skipTotal" : "with totals"}`,
    issue: skipTotal ? "3: p50 at 1M ≤ 1.5× p50 at 10k" : "3: with totals, report the slope",
    arms,
    checks: skipTotal ? SKIP_TOTAL_CHECKS : TOTALS_CHECKS,
  };
}

export default defineScenarios([
  scaleScenario("baseline", true),
  scaleScenario("baseline", false),
  scaleScenario("edgebase", true),
  scaleScenario("edgebase", false),
]);
