/** Harness check: the hand-written list against hello-world, i.e. how far a D1 list is from the local ceiling. */
import { defineScenarios, get, listPath } from "../lib/scenario.mjs";

const LIST = listPath("posts", { page: 1, perPage: 20, sort: "-published" });

export default defineScenarios([
  {
    id: "ceiling",
    title: "Baseline list (sort, perPage 20, 10k) vs hello-world",
    arms: [
      { name: "baseline", target: "baseline", dataset: "10k", request: () => get(LIST) },
      { name: "hello", target: "hello", request: () => get("/") },
    ],
    checks: [
      {
        kind: "ratio",
        label: "throughput baseline / hello",
        metric: "throughput",
        a: "baseline",
        b: "hello",
      },
      {
        kind: "ratio",
        label: "p50 at fixed rate baseline / hello",
        metric: "fixedP50",
        a: "baseline",
        b: "hello",
      },
    ],
  },
]);
