/**
 * Issue 8: a public view answered from the KV read cache against the same view bypassing it (a guest sending
 * an `Authorization` header that is not a token: refused at once, the request stays a guest one, but the
 * cache must step aside), on 10k posts. An empty header would not do: HTTP clients drop it.
 */
import { atLeast, defineScenarios, viewPosts } from "../lib/scenario.mjs";

/** A few hot records, so every measured request of the cached arm is a hit after the warm-up. */
const HOT = 20;

/** @param {import("../lib/scenario.mjs").BenchContext} ctx */
const hotViews = (ctx) => viewPosts(ctx.postIds("10k").slice(0, HOT));

export default defineScenarios([
  {
    id: "view-cached",
    title: "Public view: read cache hit vs the same view uncached (10k)",
    issue: "8: cached ≥ 1.5× uncached",
    arms: [
      { name: "cached", target: "edgebase-cached", dataset: "10k", request: hotViews },
      {
        name: "uncached",
        target: "edgebase-cached",
        dataset: "10k",
        request: (ctx) => ({ ...hotViews(ctx), headers: { authorization: "not-a-token" } }),
      },
    ],
    checks: [
      {
        kind: "ratio",
        label: "throughput cached / uncached",
        metric: "throughput",
        a: "cached",
        b: "uncached",
        goal: atLeast(1.5),
      },
      {
        kind: "ratio",
        label: "p99 at saturation cached / uncached",
        metric: "satP99",
        a: "cached",
        b: "uncached",
      },
    ],
  },
]);
