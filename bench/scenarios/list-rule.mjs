/**
 * Scenario 2: a signed-in user lists their own published posts through an owner rule (posts_private,
 * listRule `author = @request.auth.id`), against the same list without a rule (public posts filtered by the
 * same author) and against the hand-written endpoint (JWT check + WHERE author = sub).
 */
import { atLeast, defineScenarios, get, listPath } from "../lib/scenario.mjs";

const PAGE = { page: 1, perPage: 20, sort: "-published" };

export default defineScenarios([
  {
    id: "list-rule",
    title: "List own published posts: owner rule + signed-in user (10k)",
    issue: "2: with rule ≥ 0.85× the same without rule",
    sameItems: true,
    arms: [
      {
        name: "edgebase-rule",
        target: "edgebase",
        dataset: "10k",
        request: (ctx) =>
          ctx.edgebaseSession
            ? get(listPath("posts_private", { ...PAGE, filter: "status = 'published'" }), {
                authorization: ctx.edgebaseSession.token,
              })
            : `no signed-in Edgebase user: ${ctx.edgebaseSessionError}`,
      },
      {
        name: "edgebase-no-rule",
        target: "edgebase",
        dataset: "10k",
        request: (ctx) =>
          get(listPath("posts", { ...PAGE, filter: `author = '${ctx.ownerId}' && status = 'published'` })),
      },
      {
        name: "baseline",
        target: "baseline",
        dataset: "10k",
        request: (ctx) =>
          get(listPath("posts_private", { ...PAGE, status: "published" }), {
            authorization: `Bearer ${ctx.baselineToken}`,
          }),
      },
    ],
    checks: [
      {
        kind: "ratio",
        label: "throughput rule / no rule",
        metric: "throughput",
        a: "edgebase-rule",
        b: "edgebase-no-rule",
        goal: atLeast(0.85),
      },
      {
        kind: "ratio",
        label: "throughput rule / baseline",
        metric: "throughput",
        a: "edgebase-rule",
        b: "baseline",
      },
    ],
  },
]);
