/** Scenario 1: list sorted by date, 20 per page, with totals (the SDK's getList default), on 10k posts. */
import { defineScenarios, get, listPath, versusBaseline } from "../lib/scenario.mjs";

const LIST = listPath("posts", { page: 1, perPage: 20, sort: "-published" });

export default defineScenarios([
  versusBaseline({
    id: "list-sort",
    title: "List, sort -published, perPage 20, with totals (10k)",
    issue: "1: ≥ 0.8× baseline throughput, p99 ≤ 1.25×",
    dataset: "10k",
    sameItems: true,
    request: () => get(LIST),
    goals: { throughput: 0.8, p99: 1.25 },
  }),
]);
