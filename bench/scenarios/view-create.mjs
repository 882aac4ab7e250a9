/** Scenario 4: view a record by id (ids rotate over the dataset) and create a record, on 10k posts. */
import { defineScenarios, versusBaseline, viewPosts } from "../lib/scenario.mjs";

const CREATE = {
  method: "POST",
  paths: ["/api/collections/posts/records"],
  body: JSON.stringify({
    title: "A new post about edge latency",
    views: 0,
    published: "2026-11-23 12:00:00.000Z",
    // A seeded user: both targets refuse a relation to a record that does not exist.
    author: "u00000000000002",
    status: "draft",
  }),
};

export default defineScenarios([
  versusBaseline({
    id: "view",
    title: "View by id (10k)",
    issue: "4: ≥ 0.8× baseline",
    dataset: "10k",
    request: (ctx) => viewPosts(ctx.postIds("10k")),
    goals: { throughput: 0.8 },
  }),
  // Runs last (scenarios/index.mjs): every create grows the 10k table, which the next run then reseeds.
  versusBaseline({
    id: "create",
    title: "Create a record (10k)",
    issue: "4: ≥ 0.75× baseline",
    dataset: "10k",
    request: () => CREATE,
    goals: { throughput: 0.75 },
  }),
]);
