import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { guardStatement, guardTag, uniqueError } from "../../src/records/guard";
import { collection, field } from "./schema";

describe("guards", () => {
  it("abort and roll back the batch when the previous statement changed nothing, naming their tag", async () => {
    await env.DB.exec("CREATE TABLE g (id TEXT PRIMARY KEY)");
    const err = await env.DB.batch([
      env.DB.prepare("INSERT INTO g (id) VALUES ('a')"),
      env.DB.prepare("DELETE FROM g WHERE id = 'missing'"),
      guardStatement(env.DB, 7),
    ]).catch((e: unknown) => e);
    expect(guardTag(err)).toBe(7);
    expect((await env.DB.prepare("SELECT COUNT(*) AS n FROM g").first<{ n: number }>())?.n).toBe(0);
    const ok = await env.DB.batch([
      env.DB.prepare("INSERT INTO g (id) VALUES ('b')"),
      guardStatement(env.DB, 1),
    ]);
    expect(ok[1]?.results).toEqual([{ ok: 1 }]);
    expect(guardTag(new Error("other"))).toBeUndefined();
  });

  it("maps UNIQUE failures to validation_not_unique on the fields", () => {
    const posts = collection(
      "c1",
      "posts",
      [field("slug", "text"), field("a", "text"), field("b", "text")],
      {},
    );
    posts.indexes.push("CREATE UNIQUE INDEX `idx_ab` ON `posts` (lower(`a`), `b`)");
    const single = uniqueError(
      new Error("D1_ERROR: UNIQUE constraint failed: posts.slug: SQLITE_CONSTRAINT"),
      [posts],
    );
    expect(single?.data).toEqual({ slug: { code: "validation_not_unique", message: expect.any(String) } });
    const pair = uniqueError(new Error("UNIQUE constraint failed: posts.a, posts.b"), [posts]);
    expect(Object.keys(pair?.data ?? {})).toEqual(["a", "b"]);
    const expr = uniqueError(new Error("UNIQUE constraint failed: index 'idx_ab'"), [posts]);
    expect(Object.keys(expr?.data ?? {})).toEqual(["a", "b"]);
    expect(uniqueError(new Error("NOT NULL constraint failed"), [posts])).toBeUndefined();
  });
});
