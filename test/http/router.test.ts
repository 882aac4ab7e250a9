import { env } from "cloudflare:workers";
import type { Result } from "hono/router";
import { TrieRouter } from "hono/router/trie-router";
import { describe, expect, it } from "vitest";
import { createEdgebase } from "../../src/app";
import { SplitRouter } from "../../src/http/router";

const METHODS = ["GET", "POST", "PATCH", "PUT", "DELETE", "OPTIONS", "HEAD", "PROPFIND"];

/** A router result as [handler, params] pairs, whichever form the router answered in. */
function normalize(result: Result<number>): [number, Record<string, string>][] {
  const [pairs, stash] = result;
  return pairs.map(([handler, map]) => {
    if (!stash) return [handler, { ...(map as Record<string, string>) }];
    const params: Record<string, string> = {};
    for (const [key, index] of Object.entries(map as Record<string, number>))
      params[key] = stash[index] ?? "";
    return [handler, params];
  });
}

/** Concrete paths for a route: each parameter replaced by a plain value and by every static name in the table. */
function samples(path: string, names: readonly string[]): string[] {
  const segments = path.split("/");
  let out = [""];
  for (const segment of segments.slice(1)) {
    const values = segment.startsWith(":") ? ["x1", ...names] : segment === "*" ? ["", "a/b"] : [segment];
    out = out.flatMap((prefix) => values.map((v) => `${prefix}/${v}`)).slice(0, 400);
  }
  return out.flatMap((p) => [p, `${p}/`]);
}

describe("SplitRouter", () => {
  const app = createEdgebase();
  const routes = app.routes;
  const names = [
    ...new Set(routes.flatMap((r) => r.path.split("/")).filter((s) => s && !s.startsWith(":") && s !== "*")),
  ];

  it("answers every path exactly as Hono's TrieRouter does", () => {
    const split = new SplitRouter<number>();
    const trie = new TrieRouter<number>();
    routes.forEach((r, i) => {
      split.add(r.method, r.path, i);
      trie.add(r.method, r.path, i);
    });
    const paths = new Set([
      "/",
      "/api",
      "/api/",
      "/nope",
      "/api/collections",
      ...routes.flatMap((r) => samples(r.path, names)),
    ]);
    let compared = 0;
    for (const path of paths)
      for (const method of METHODS) {
        expect(normalize(split.match(method, path)), `${method} ${path}`).toEqual(
          normalize(trie.match(method, path)),
        );
        compared++;
      }
    expect(compared).toBeGreaterThan(1000);
    // The point of it: the hot routes are answered by the RegExpRouter, only a few cold static names by the trie.
    expect(split.usesRegExp).toBe(true);
    expect(split.refusedPaths).not.toContain("/api/collections/:collection/records");
    expect(split.refusedPaths).not.toContain("/api/collections/:collection/records/:id");
    expect(split.refusedPaths.length).toBeLessThan(20);
  });

  it("is the app's router, and refuses routes added after the first request", async () => {
    const res = await app.request("/api/health", {}, env);
    expect(res.status).toBe(200);
    expect(app.router.name).toMatch(/^SplitRouter \(RegExpRouter/);
    expect(() => app.get("/late", (c) => c.text("late"))).toThrow();
  });

  it("sends the paths of a refused custom-pattern route to the trie, with the same answers", () => {
    const split = new SplitRouter<number>();
    split.add("GET", "/a/:x{[0-9]+}", 1);
    split.add("GET", "/a/:y{[a-z]+}", 2);
    expect(normalize(split.match("GET", "/a/12"))).toEqual([[1, { x: "12" }]]);
    expect(normalize(split.match("GET", "/a/bc"))).toEqual([[2, { y: "bc" }]]);
  });
});
