/** Scenario 5: refreshing an auth token against viewing a record, both on Edgebase (once auth lands). */
import { atLeast, defineScenarios, viewPosts } from "../lib/scenario.mjs";

export default defineScenarios([
  {
    id: "token-refresh",
    title: "Token refresh vs view by id (Edgebase, 10k)",
    issue: "5: ≥ 0.8× view by id",
    arms: [
      {
        name: "refresh",
        target: "edgebase",
        dataset: "10k",
        request: (ctx) =>
          ctx.edgebaseSession
            ? {
                method: "POST",
                paths: ["/api/collections/users/auth-refresh"],
                headers: { authorization: ctx.edgebaseSession.token },
              }
            : `no signed-in Edgebase user: ${ctx.edgebaseSessionError}`,
      },
      {
        name: "view",
        target: "edgebase",
        dataset: "10k",
        request: (ctx) => viewPosts(ctx.postIds("10k")),
      },
    ],
    checks: [
      {
        kind: "ratio",
        label: "throughput refresh / view",
        metric: "throughput",
        a: "refresh",
        b: "view",
        goal: atLeast(0.8),
      },
    ],
  },
]);
