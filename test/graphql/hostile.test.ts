/**
 * Hostile queries: each is refused with a GraphQL error (never a 500, never executed when over a limit), and a
 * fast-check property throws random queries at the endpoint with a fixed seed.
 */
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { getIntrospectionQuery } from "graphql";
import { beforeAll, describe, expect, it } from "vitest";
import { createEdgebase } from "../../src/app";
import { api, BASE } from "../helpers/request";
import { createSuperuser, type Json, signIn } from "../http/routes/auth-helpers";
import { createBlog } from "./fixtures";
import type { GqlError } from "./helpers";

let su = "";
beforeAll(async () => {
  await createSuperuser("root@example.com");
  su = (await signIn("root@example.com", "_superusers")).token;
  await createBlog(su, 3, 1);
});

/** Posts a GraphQL request and returns the HTTP status and body. */
async function post(query: string, variables?: unknown, token: string | null = null) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token) headers.authorization = token;
  const res = await api("/api/graphql", {
    method: "POST",
    headers,
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, body: (await res.json()) as { data?: Json; errors?: GqlError[] } };
}

/** Asserts one refusal with the given data code in `extensions.data.query`, and that nothing ran. */
async function refused(query: string, code: string, variables?: unknown) {
  const { status, body } = await post(query, variables);
  expect(status).toBe(200);
  expect(body.data).toBeUndefined();
  expect(body.errors?.[0]?.extensions).toMatchObject({
    status: 400,
    code: "BAD_REQUEST",
    data: { query: { code } },
  });
}

/** `posts → items → expand → comments_via_post → expand → post → expand → …`, `levels` relations deep. */
function nested(levels: number): string {
  let inner = "id";
  for (let i = 0; i < levels; i++) {
    inner = i % 2 === 0 ? `expand { post { ${inner} } }` : `expand { comments_via_post { ${inner} } }`;
  }
  return `{ posts { items { ${inner} } } }`;
}

describe("limits refuse before execution", () => {
  it("deep nesting", async () => {
    expect((await post(nested(2))).body.errors).toBeUndefined();
    await refused(nested(4), "graphql_depth_limit");
  });

  it("deep nesting hidden in fragments", async () => {
    const query = `fragment C on CommentsExpand { post { expand { comments_via_post { expand { ...C } } } } }
      { comments { items { expand { ...C } } } }`;
    const { body } = await post(query);
    expect(body.errors?.[0]?.extensions.status).toBe(400);
    expect(body.data).toBeUndefined();
  });

  it("alias bombs", async () => {
    const aliases = Array.from({ length: 200 }, (_, i) => `a${i}: posts { totalItems }`).join(" ");
    await refused(`{ ${aliases} }`, "graphql_alias_limit");
  });

  it("the same field repeated thousands of times (no aliases) stops at the token limit", async () => {
    const { body } = await post(`{ posts { ${"id ".repeat(3100)} } }`);
    expect(body.errors?.[0]?.extensions).toMatchObject({ status: 400, code: "GRAPHQL_PARSE_FAILED" });
  });

  it("oversized queries", async () => {
    await refused(`{ health ${" ".repeat(20_000)} }`, "graphql_size_limit");
  });

  it("fragment cycles", async () => {
    const { status, body } = await post(
      "fragment A on Posts { id ...B } fragment B on Posts { title ...A } { posts { items { ...A } } }",
    );
    expect(status).toBe(200);
    expect(body.errors?.[0]).toMatchObject({
      extensions: { status: 400, code: "GRAPHQL_VALIDATION_FAILED" },
    });
    expect(body.errors?.[0]?.message).toMatch(/Cannot spread fragment "A" within itself/);
  });

  it("fragments that double at every level (billion laughs)", async () => {
    const levels = 30;
    const fragments = Array.from({ length: levels }, (_, i) =>
      i === levels - 1
        ? `fragment F${i} on Query { health }`
        : `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`,
    );
    await refused(`${fragments.join("\n")}\n{ ...F0 }`, "graphql_size_limit");
  });

  it("huge perPage products, through variables too", async () => {
    const deep = `query ($n: Int) { posts(perPage: $n) { items { expand { comments_via_post { expand { post { id } } } } } } }`;
    await refused(deep, "graphql_cost_limit", { n: 1000 });
    const wide = Array.from(
      { length: 11 },
      (_, i) => `p${i}: posts(perPage: 1000) { items { expand { author { id } } } }`,
    );
    await refused(`{ ${wide.join(" ")} }`, "graphql_cost_limit");
    // The same shape with a small page is within budget.
    expect((await post(deep, { n: 5 })).body.errors).toBeUndefined();
  });

  it("several sign-ins in one operation (aliases spending password hashes)", async () => {
    const attempts = Array.from(
      { length: 2 },
      (_, i) =>
        `a${i}: authWithPassword(collection: "users", identity: "ann@example.com", password: "guess${i}") { token }`,
    );
    await refused(`mutation { ${attempts.join(" ")} }`, "graphql_auth_limit");
  });

  it("standard introspection passes (tools use it)", async () => {
    const { body } = await post(getIntrospectionQuery());
    expect(body.errors).toBeUndefined();
    expect(body.data.__schema.queryType.name).toBe("Query");
  });

  it("introspection that nests type lists to multiply the schema", async () => {
    await refused(
      "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }",
      "graphql_introspection_limit",
    );
  });
});

describe("injection and hidden fields", () => {
  it("filters passed as variables are filter-language strings, never SQL", async () => {
    for (const f of [
      'title = "x" || 1=1 --',
      "'; DROP TABLE posts; --",
      'title ~ "%" ) OR (1=1',
      "id = @collection.posts.id",
    ]) {
      const { status, body } = await post("query ($f: String) { posts(filter: $f) { totalItems } }", { f });
      const rest = await api(`/api/collections/posts/records?filter=${encodeURIComponent(f)}`);
      expect(status).toBe(200);
      if (rest.status === 200)
        expect(body.data.posts.totalItems).toBe(((await rest.json()) as Json).totalItems);
      else expect(body.errors?.[0]?.extensions.status).toBe(rest.status);
    }
    const count = await env.DB.prepare("SELECT COUNT(*) AS n FROM posts").first<{ n: number }>();
    expect(count?.n).toBe(3);
  });

  it("a guest cannot reach hidden fields by filter, selection, introspection or suggestions", async () => {
    const byFilter = await post('{ posts(filter: "secret != \\"\\"") { totalItems } }');
    expect(byFilter.body.errors?.[0]?.extensions.status).toBe(400);
    const bySelection = await post("{ posts { items { secre } } }");
    expect(JSON.stringify(bySelection.body)).not.toContain("secret");
    const types = await post("{ __schema { types { name fields { name } } } }");
    expect(JSON.stringify(types.body)).not.toContain("secret");
    expect(types.body.data.__schema.types.map((t: Json) => t.name)).toContain("Posts");
  });

  it("with introspection off, __schema, the SDL, the explorer and suggestions are gone", async () => {
    const app = createEdgebase({ logLevel: "off", graphql: { introspection: false } });
    const send = (query: string) =>
      app.request(
        `${BASE}/api/graphql`,
        { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) },
        env,
      );
    const schema = (await (await send("{ __schema { types { name } } }")).json()) as Json;
    expect(schema.errors[0].extensions.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(schema.data).toBeUndefined();
    const typo = (await (await send("{ postz { totalItems } }")).json()) as Json;
    expect(typo.errors[0].message).not.toMatch(/Did you mean/);
    expect((await app.request(`${BASE}/api/graphql/schema.graphql`, {}, env)).status).toBe(404);
    expect((await app.request(`${BASE}/api/graphql`, { headers: { accept: "text/html" } }, env)).status).toBe(
      404,
    );
    expect(((await (await send("{ posts { totalItems } }")).json()) as Json).data.posts.totalItems).toBe(3);
  });

  it("limits are configurable per app", async () => {
    const app = createEdgebase({ logLevel: "off", graphql: { maxDepth: 2 } });
    const res = await app.request(
      `${BASE}/api/graphql`,
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: "{ posts { items { id } } }" }),
      },
      env,
    );
    expect(((await res.json()) as Json).errors[0].extensions.data.query.code).toBe("graphql_depth_limit");
  });
});

describe("random queries (fast-check, fixed seed)", () => {
  const FIELDS = [
    "posts",
    "posts_view",
    "comments",
    "items",
    "expand",
    "author",
    "comments_via_post",
    "post",
    "id",
    "title",
    "secret",
    "__typename",
    "__schema",
    "types",
    "name",
    "health",
    "totalItems",
    "nope",
  ];
  const arg = fc.oneof(
    fc.constant(""),
    fc.integer({ min: -5, max: 5000 }).map((n) => `(perPage: ${n})`),
    fc.string({ maxLength: 20 }).map((s) => `(filter: ${JSON.stringify(s)})`),
    fc.string({ maxLength: 20 }).map((s) => `(id: ${JSON.stringify(s)})`),
    fc.constantFrom("(page: 0)", '(sort: "-nope")', '(cursor: "x")', "(skipTotal: true)", "(perPage: $n)"),
  );
  const selection: fc.Memo<string> = fc.memo((n) =>
    fc
      .array(
        fc.tuple(
          fc.option(fc.constantFrom("a", "b", "c")),
          fc.constantFrom(...FIELDS),
          arg,
          n > 1 ? fc.option(selection(n - 1)) : fc.constant(null),
        ),
        { minLength: 1, maxLength: 4 },
      )
      .map((fields) =>
        fields
          .map(([alias, f, a, sub]) => `${alias ? `${alias}: ` : ""}${f}${a}${sub ? ` { ${sub} }` : ""}`)
          .join(" "),
      ),
  );
  const query = fc.oneof(
    selection(6).map((s) => `query ($n: Int) { ${s} }`),
    selection(4).map((s) => `mutation { ${s} }`),
    fc.string({ maxLength: 60 }),
  );

  it("answers every query with data or GraphQL errors in REST's terms, never a 500", async () => {
    await fc.assert(
      fc.asyncProperty(
        query,
        fc.integer({ min: -10, max: 100_000 }),
        fc.boolean(),
        async (q, n, asSuperuser) => {
          const { status, body } = await post(q, { n }, asSuperuser ? su : null);
          expect([200, 400]).toContain(status);
          for (const error of body.errors ?? []) {
            expect(error.extensions.status).toBeGreaterThanOrEqual(400);
            expect(error.extensions.status).toBeLessThan(500);
            expect(error.message).not.toMatch(/SQLITE|D1_|sql/i);
          }
        },
      ),
      { seed: 2323, numRuns: 150 },
    );
  });
});
