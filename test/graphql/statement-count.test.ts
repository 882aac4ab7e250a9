/**
 * No N+1: a list of posts with author, comments and each comment's user costs the same number of D1 statements
 * for 5 parents as for 50, counted by a wrapper around the real D1 binding of an app built for this test.
 */
import { env } from "cloudflare:workers";
import { GraphQLClient } from "graphql-request";
import { beforeAll, describe, expect, it } from "vitest";
import { createEdgebase } from "../../src/app";
import { createSuperuser, type Json, signIn } from "../http/routes/auth-helpers";
import { createBlog } from "./fixtures";
import { GRAPHQL_URL } from "./helpers";

/** SQL text of every statement prepared on the binding or any of its sessions since the last reset. */
const statements: string[] = [];

function counted<T extends object>(target: T): T {
  return new Proxy(target, {
    get(obj, key) {
      const value = Reflect.get(obj, key, obj);
      if (key === "prepare")
        return (sql: string) => {
          statements.push(sql);
          return (value as (sql: string) => unknown).call(obj, sql);
        };
      if (key === "withSession")
        return (...args: unknown[]) => counted((value as (...a: unknown[]) => object).apply(obj, args));
      return typeof value === "function" ? value.bind(obj) : value;
    },
  });
}

const app = createEdgebase({ logLevel: "off" });
const countingEnv = { ...env, DB: counted(env.DB) };

const QUERY = `query ($n: Int!) {
  posts(perPage: $n, sort: "title") {
    items {
      title
      expand {
        author { id name }
        comments_via_post { text expand { user { id name } } }
      }
    }
  }
}`;

let su = "";
beforeAll(async () => {
  await createSuperuser("root@example.com");
  su = (await signIn("root@example.com", "_superusers")).token;
  await createBlog(su, 50, 2);
});

/** Runs the query for `n` parents and returns the user-table statements it prepared (schema checks excluded). */
async function run(n: number): Promise<{ count: number; data: Json }> {
  const client = new GraphQLClient(GRAPHQL_URL, {
    fetch: async (input, init) =>
      app.request(new Request(input as RequestInfo, init), undefined, countingEnv),
    headers: { authorization: su },
  });
  statements.length = 0;
  const data = await client.request<Json>(QUERY, { n });
  // The collection store revalidates the schema version on a timer; that statement is not per parent.
  const count = statements.filter((sql) => !/\b_params\b|\b_collections\b/.test(sql)).length;
  return { count, data };
}

describe("GraphQL relations resolve per level, not per parent", () => {
  it("costs the same number of statements for 5 and 50 posts, each with author, comments and their users", async () => {
    await run(1); // warm the schema and the token checks
    const small = await run(5);
    const large = await run(50);
    expect(small.data.posts.items).toHaveLength(5);
    expect(large.data.posts.items).toHaveLength(50);
    for (const item of large.data.posts.items) {
      expect(item.expand.author.name).toMatch(/^(ann|bob|cyd)$/);
      expect(item.expand.comments_via_post).toHaveLength(2);
      for (const comment of item.expand.comments_via_post) expect(comment.expand.user.id).toHaveLength(15);
    }
    // The wrapper sees the page, the COUNT and the three relation lookups, so the comparison below is not 0 = 0.
    expect(small.count).toBeGreaterThanOrEqual(5);
    expect(large.count).toBe(small.count);
    // One page + COUNT, then one statement per relation level (author and comments together, then users).
    expect(large.count).toBeLessThanOrEqual(8);
  });
});
