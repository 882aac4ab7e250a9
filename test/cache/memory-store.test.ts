import { describe, expect, it } from "vitest";
import { MemoryCacheStore } from "../../src/cache/memory-store";
import { storeContract } from "./store-contract";

storeContract("MemoryCacheStore", () => new MemoryCacheStore());

const TTL = { ttlSeconds: 60 };

describe("MemoryCacheStore", () => {
  it("expires an entry exactly at its TTL", async () => {
    let now = 1_000_000;
    const store = new MemoryCacheStore({ now: () => now });
    await store.set("k", "v", { ttlSeconds: 10 });
    now += 9_999;
    expect(await store.get("k")).toBe("v");
    now += 1;
    expect(await store.get("k")).toBeNull();
    expect(store.size).toBe(0);
  });

  it("honours TTLs below KV's minimum (no clamping in memory)", async () => {
    let now = 0;
    const store = new MemoryCacheStore({ now: () => now });
    await store.set("k", "v", { ttlSeconds: 1 });
    now = 1_000;
    expect(await store.get("k")).toBeNull();
  });

  it("evicts the least recently used entry beyond maxEntries", async () => {
    const store = new MemoryCacheStore({ maxEntries: 3 });
    await store.set("a", 1, TTL);
    await store.set("b", 2, TTL);
    await store.set("c", 3, TTL);
    expect(await store.get("a")).toBe(1); // "b" is now the least recently used
    await store.set("d", 4, TTL);
    expect(store.size).toBe(3);
    expect(await store.get("b")).toBeNull();
    expect([await store.get("a"), await store.get("c"), await store.get("d")]).toEqual([1, 3, 4]);
  });

  it("does not count a replaced entry twice", async () => {
    const store = new MemoryCacheStore({ maxEntries: 2 });
    await store.set("a", 1, TTL);
    await store.set("b", 2, TTL);
    await store.set("b", 3, TTL);
    expect([await store.get("a"), await store.get("b")]).toEqual([1, 3]);
  });

  it("evicts by size and skips a value larger than the whole store", async () => {
    // Each entry below costs (1 key char + 50 value chars) * 2 = 102 bytes.
    const store = new MemoryCacheStore({ maxBytes: 250 });
    const value = "x".repeat(48); // JSON adds two quotes
    await store.set("a", value, TTL);
    await store.set("b", value, TTL);
    await store.set("c", value, TTL);
    expect(store.size).toBe(2);
    expect(await store.get("a")).toBeNull();
    expect(await store.get("c")).toBe(value);

    await store.set("big", "y".repeat(200), TTL);
    expect(await store.get("big")).toBeNull();
    expect(await store.get("c")).toBe(value);
  });

  it("drops the old value when a replacement is too large to keep", async () => {
    const store = new MemoryCacheStore({ maxBytes: 100 });
    await store.set("k", "small", TTL);
    await store.set("k", "z".repeat(100), TTL);
    expect(await store.get("k")).toBeNull();
  });

  it.each([{ maxEntries: 0 }, { maxEntries: 1.5 }, { maxBytes: -1 }, { maxBytes: Number.POSITIVE_INFINITY }])(
    "rejects options %o when built",
    (options) => {
      expect(() => new MemoryCacheStore(options)).toThrow(TypeError);
    },
  );
});
