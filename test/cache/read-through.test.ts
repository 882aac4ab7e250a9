import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { KvCacheStore } from "../../src/cache/kv-store";
import { MemoryCacheStore } from "../../src/cache/memory-store";
import { cached } from "../../src/cache/read-through";
import type { CacheStore, CacheValue } from "../../src/cache/store";

/** Collects waitUntil promises so a test can wait for the fill. */
function background() {
  const promises: Promise<unknown>[] = [];
  return {
    waitUntil: (p: Promise<unknown>) => {
      promises.push(p);
    },
    all: () => Promise.all(promises),
    count: () => promises.length,
  };
}

/** A loader that counts its calls and returns the next of `values`. */
function loader<T extends CacheValue>(...values: T[]) {
  let calls = 0;
  const load = async () => values[Math.min(calls++, values.length - 1)]!;
  return { load, calls: () => calls };
}

describe("cached", () => {
  it("misses, fills through waitUntil, then hits in the real KV store", async () => {
    const store = new KvCacheStore(env.CACHE);
    const bg = background();
    const { load, calls } = loader({ items: [1, 2] }, { items: [] });

    const first = await cached(store, "eb:rt:kv", 60, load, bg.waitUntil);
    expect(first).toEqual({ value: { items: [1, 2] }, status: "miss" });
    expect(bg.count()).toBe(1);
    await bg.all();

    const second = await cached(store, "eb:rt:kv", 60, load, bg.waitUntil);
    expect(second).toEqual({ value: { items: [1, 2] }, status: "hit" });
    expect(calls()).toBe(1);
    expect(bg.count()).toBe(1);
  });

  it("treats an entry older than ttlSeconds as a miss, whatever the store still holds", async () => {
    let now = 1_000_000;
    const store = new MemoryCacheStore({ now: () => now });
    const bg = background();
    const { load, calls } = loader("v1", "v2");
    const options = { now: () => now };

    await cached(store, "k", 10, load, bg.waitUntil, options);
    await bg.all();
    // The store itself would keep the entry for 10 s too; pretend it keeps it longer, as KV does.
    await store.set("k", (await store.get("k"))!, { ttlSeconds: 3600 });
    now += 9_999;
    expect(await cached(store, "k", 10, load, bg.waitUntil, options)).toEqual({ value: "v1", status: "hit" });
    now += 1;
    expect(await cached(store, "k", 10, load, bg.waitUntil, options)).toEqual({
      value: "v2",
      status: "miss",
    });
    expect(calls()).toBe(2);
  });

  it("does not trust an entry stamped further in the future than one TTL", async () => {
    const store = new MemoryCacheStore();
    await store.set("k", { v: "forged", t: Date.now() + 3_600_000 }, { ttlSeconds: 60 });
    const { load } = loader("fresh");
    expect(await cached(store, "k", 60, load, background().waitUntil)).toEqual({
      value: "fresh",
      status: "miss",
    });
  });

  it("reads an entry not written by cached (no envelope) as a miss", async () => {
    const store = new MemoryCacheStore();
    await store.set("k", { items: [1] }, { ttlSeconds: 60 });
    const { load } = loader("fresh");
    expect((await cached(store, "k", 60, load, background().waitUntil)).status).toBe("miss");
  });

  it("serves from load and reports the error when the store fails", async () => {
    const errors: unknown[] = [];
    const broken: CacheStore = {
      get: () => Promise.reject(new Error("read failed")),
      set: () => Promise.reject(new Error("write failed")),
      delete: () => Promise.resolve(),
    };
    const bg = background();
    const result = await cached(broken, "k", 60, loader("v").load, bg.waitUntil, {
      onError: (e) => errors.push(e),
    });
    expect(result).toEqual({ value: "v", status: "miss" });
    await bg.all();
    expect(errors.map((e) => (e as Error).message)).toEqual(["read failed", "write failed"]);
  });

  it("propagates a failing load and stores nothing", async () => {
    const store = new MemoryCacheStore();
    const bg = background();
    const failing = () => Promise.reject(new Error("D1 down"));
    await expect(cached(store, "k", 60, failing, bg.waitUntil)).rejects.toThrow("D1 down");
    expect(bg.count()).toBe(0);
    expect(await store.get("k")).toBeNull();
  });

  it("does not store a null result", async () => {
    const store = new MemoryCacheStore();
    const bg = background();
    const result = await cached(store, "k", 60, async () => null as unknown as string, bg.waitUntil);
    expect(result).toEqual({ value: null, status: "miss" });
    expect(bg.count()).toBe(0);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])("rejects a ttlSeconds of %s", async (ttl) => {
    await expect(cached(new MemoryCacheStore(), "k", ttl, loader("v").load, () => {})).rejects.toThrow(
      TypeError,
    );
  });
});
