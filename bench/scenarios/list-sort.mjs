/** Scenario 1: list sorted by date, 20 per page, with totals (the SDK's getList default), on 10k posts. */
import { atLeast, atMost, defineScenarios, get, listPath } from "../lib/scenario.mjs";

const LIST = listPath("posts", { page: 1, perPage: 20, sort: "-published" });

export default defineScenarios([
  {
    id: "list-sort",
    title: "List, sort -published, perPage 20, with totals (10k)",
    issue: "1: ≥ 0.8× baseline throughput, p99 ≤ 1.25×",
    sameItems: true,
    arms: [
      { name: "edgebase", target: "edgebase", dataset: "10k", request: () => get(LIST) },
      { name: "baseline", target: "baseline", dataset: "10k", request: () => get(LIST) },
    ],
    checks: [
      {
        kind: "ratio",
        label: "throughput",
        metric: "throughput",
        a: "edgebase",
        b: "baseline",
        goal: atLeast(0.8),
      },
      {
        kind: "ratio",
        label: "p99 at saturation",
        metric: "satP99",
        a: "edgebase",
        b: "baseline",
        goal: atMost(1.25),
      },
      {
        kind: "ratio",
        label: "p99 at fixed rate",
        metric: "fixedP99",
        a: "edgebase",
        b: "baseline",
        goal: atMost(1.25),
      },
    ],
  },
]);
