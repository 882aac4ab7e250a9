/** Scenario 4: view a record by id (ids rotate over the dataset) and create a record, on 10k posts. */
import { atLeast, defineScenarios } from "../lib/scenario.mjs";

/** @type {(ids: string[]) => import("../lib/scenario.mjs").RequestSpec} */
const view = (ids) => ({ method: "GET", paths: ids.map((id) => `/api/collections/posts/records/${id}`) });

const CREATE = {
  method: "POST",
  paths: ["/api/collections/posts/records"],
  body: JSON.stringify({
    title: "A new post about edge latency",
    views: 0,
    published: "2026-11-23 12:00:00.000Z",
    author: "u00000000000002",
    status: "draft",
  }),
};

export default defineScenarios([
  {
    id: "view",
    title: "View by id (10k)",
    issue: "4: ≥ 0.8× baseline",
    arms: [
      { name: "edgebase", target: "edgebase", dataset: "10k", request: (ctx) => view(ctx.postIds("10k")) },
      { name: "baseline", target: "baseline", dataset: "10k", request: (ctx) => view(ctx.postIds("10k")) },
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
    ],
  },
  {
    // Runs last (see scenarios/index.mjs): every create grows the 10k table, which the next run reseeds.
    id: "create",
    title: "Create a record (10k)",
    issue: "4: ≥ 0.75× baseline",
    arms: [
      { name: "edgebase", target: "edgebase", dataset: "10k", request: () => CREATE },
      { name: "baseline", target: "baseline", dataset: "10k", request: () => CREATE },
    ],
    checks: [
      {
        kind: "ratio",
        label: "throughput",
        metric: "throughput",
        a: "edgebase",
        b: "baseline",
        goal: atLeast(0.75),
      },
    ],
  },
]);
