/** The cost model and shape limits on real collections: exact costs, and refusals that name the limit. */
import { env } from "cloudflare:workers";
import { getOperationAST, parse } from "graphql";
import { beforeAll, describe, expect, it } from "vitest";
import { CollectionStore } from "../../src/collections";
import { checkShape, operationCost } from "../../src/graphql/analyze";
import { DEFAULT_GRAPHQL_LIMITS, resolveGraphqlLimits } from "../../src/graphql/limits";
import { buildGraphqlSchema } from "../../src/graphql/schema";
import { ApiError } from "../../src/lib/errors";
import { createSuperuser, signIn } from "../http/routes/auth-helpers";
import { createBlog } from "./fixtures";

let schema: ReturnType<typeof buildGraphqlSchema>;
beforeAll(async () => {
  await createSuperuser("root@example.com");
  await createBlog((await signIn("root@example.com", "_superusers")).token, 1, 0);
  schema = buildGraphqlSchema((await new CollectionStore().load(env.DB)).collections, true);
});

function cost(query: string, variables: Record<string, unknown> = {}): number {
  const document = parse(query);
  return operationCost(schema, document, getOperationAST(document)!, variables, DEFAULT_GRAPHQL_LIMITS);
}

function shapeError(query: string, limits = DEFAULT_GRAPHQL_LIMITS): string | null {
  try {
    checkShape(parse(query), limits);
    return null;
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return ((error as ApiError).data.query as { code: string }).code;
  }
}

describe("cost", () => {
  it.each([
    ["{ health }", 0],
    ["{ posts { totalItems } }", 1],
    ["{ posts(perPage: 20) { items { id } } }", 1 + 20 * 1],
    ["{ posts(perPage: 20) { items { expand { author { id } } } } }", 1 + 20 * 3],
    ["{ posts(perPage: 2) { items { expand { comments_via_post { id } } } } }", 1 + 2 * (1 + 1 + 1)],
    [
      "{ posts(perPage: 2) { items { expand { comments_via_post { expand { user { id } } } } } } }",
      1 + 2 * (2 + 1 + 10 * 2),
    ],
    [
      'fragment F on Posts { id } { a: posts(perPage: 3) { items { ...F } } b: posts_view(id: "x") { id } }',
      1 + 3 + 1,
    ],
  ])("%s costs %i", (query, expected) => {
    expect(cost(query)).toBe(expected);
  });

  it("reads perPage from variables, and an invalid one is not cheap", () => {
    expect(cost("query ($n: Int) { posts(perPage: $n) { items { id } } }", { n: 100 })).toBe(101);
    expect(cost("query ($n: Int) { posts(perPage: $n) { items { id } } }", { n: -1 })).toBe(31);
  });
});

describe("shape", () => {
  it("counts depth through fragments and aliases across the document", () => {
    expect(shapeError("{ posts { items { id } } }")).toBeNull();
    expect(shapeError("{ posts { items { id } } }", { ...DEFAULT_GRAPHQL_LIMITS, maxDepth: 2 })).toBe(
      "graphql_depth_limit",
    );
    expect(
      shapeError("fragment F on Query { posts { items { id } } } { ...F }", {
        ...DEFAULT_GRAPHQL_LIMITS,
        maxDepth: 2,
      }),
    ).toBe("graphql_depth_limit");
    const aliased = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: health`).join(" ")} }`;
    expect(shapeError(aliased(30))).toBeNull();
    expect(shapeError(aliased(31))).toBe("graphql_alias_limit");
  });

  it("options are checked when the app is built", () => {
    expect(() => resolveGraphqlLimits({ maxDepth: -1 })).toThrow(/maxDepth/);
    expect(resolveGraphqlLimits({ maxCost: 5 })).toMatchObject({ maxCost: 5, maxDepth: 8 });
  });
});
