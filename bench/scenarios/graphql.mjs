/**
 * GraphQL (issue 23): the same page of posts with the same fields through POST /api/graphql and through the REST
 * list (`fields`), then with each post's author, through GraphQL's `expand` selection and REST's `expand=author`.
 */
import { atLeast, defineScenarios, get, listPath } from "../lib/scenario.mjs";

const FIELDS = "id title views published status";

/**
 * A GraphQL POST request.
 * @param {string} query
 * @returns {import("../lib/load-client.mjs").RequestSpec}
 */
function graphql(query) {
  return {
    method: "POST",
    paths: ["/api/graphql"],
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query }),
  };
}

/**
 * A scenario with a GraphQL arm and a REST arm on Edgebase.
 * @param {{ id: string, title: string, issue: string, query: string, rest: string, goal?: number }} spec
 * @returns {import("../lib/scenario.mjs").Scenario}
 */
function graphqlVersusRest(spec) {
  return {
    id: spec.id,
    title: spec.title,
    issue: spec.issue,
    arms: [
      { name: "graphql", target: "edgebase", dataset: "10k", request: () => graphql(spec.query) },
      { name: "rest", target: "edgebase", dataset: "10k", request: () => get(spec.rest) },
    ],
    checks: [
      {
        kind: "ratio",
        label: "throughput GraphQL / REST",
        metric: "throughput",
        a: "graphql",
        b: "rest",
        ...(spec.goal ? { goal: atLeast(spec.goal) } : {}),
      },
      {
        kind: "ratio",
        label: "p99 at fixed rate GraphQL / REST",
        metric: "fixedP99",
        a: "graphql",
        b: "rest",
      },
    ],
  };
}

export default defineScenarios([
  graphqlVersusRest({
    id: "graphql-list",
    title: "GraphQL list vs REST list, same 5 fields, sort -published, perPage 20, with totals (10k)",
    issue: "23: ≥ 0.85× the REST list",
    query: `{ posts(perPage: 20, sort: "-published") { totalItems items { ${FIELDS} } } }`,
    rest: listPath("posts", { perPage: 20, sort: "-published", fields: FIELDS.replaceAll(" ", ",") }),
    goal: 0.85,
  }),
  graphqlVersusRest({
    id: "graphql-nested",
    title: "GraphQL list with each post's author vs REST list with expand=author (10k)",
    issue: "23: report",
    query: `{ posts(perPage: 20, sort: "-published") { totalItems items { ${FIELDS} expand { author { id } } } } }`,
    rest: listPath("posts", {
      perPage: 20,
      sort: "-published",
      expand: "author",
      fields: `${FIELDS.replaceAll(" ", ",")},expand.author.id`,
    }),
  }),
]);
