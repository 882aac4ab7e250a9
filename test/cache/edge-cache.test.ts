import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createEdgeCache, type EdgeCache } from "../../src/cache/edge-cache";
import { collectionDataKey } from "../../src/cache/keys";
import { cached } from "../../src/cache/read-through";

/** A list page as the records engine would cache it, read through `cache` at the current generation. */
async function readList(cache: EdgeCache, rows: string[], waitUntil: (p: Promise<unknown>) => void) {
  const generation = await cache.generations.current("posts");
  const key = await collectionDataKey("posts", generation, ["list", "page=1"]);
  return cached(cache.data, key, 60, async () => ({ items: [...rows] }), waitUntil);
}

describe("createEdgeCache", () => {
  it("serves a cached list, and after a write the writing isolate misses at once and sees the new rows", async () => {
    let now = 1_700_000_000_000;
    const clock = { now: () => now, sleep: async () => {} };
    const pending: Promise<unknown>[] = [];
    const waitUntil = (p: Promise<unknown>) => {
      pending.push(p);
    };
    const writer = createEdgeCache(env.CACHE, { generations: clock });
    const other = createEdgeCache(env.CACHE, { generations: { ...clock, localTtlMs: 5_000 } });
    const rows = ["a", "b"];

    expect(await readList(writer, rows, waitUntil)).toEqual({ value: { items: ["a", "b"] }, status: "miss" });
    await Promise.all(pending);
    expect(await readList(writer, rows, waitUntil)).toEqual({ value: { items: ["a", "b"] }, status: "hit" });
    expect(await readList(other, rows, waitUntil)).toEqual({ value: { items: ["a", "b"] }, status: "hit" });

    rows.splice(0, 1, "c"); // a record deleted, another created
    writer.generations.bump("posts", waitUntil);
    expect(await readList(writer, rows, waitUntil)).toEqual({ value: { items: ["c", "b"] }, status: "miss" });
    await Promise.all(pending);

    // Another isolate trusts its generation for localTtlMs, then follows the bump.
    expect((await readList(other, rows, waitUntil)).value).toEqual({ items: ["a", "b"] });
    now += 5_000;
    expect(await readList(other, rows, waitUntil)).toEqual({ value: { items: ["c", "b"] }, status: "hit" });
  });
});
