import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { KvCacheStore } from "../../src/cache/kv-store";
import { MemoryCacheStore } from "../../src/cache/memory-store";
import { TieredCacheStore } from "../../src/cache/tiered-store";
import { storeContract } from "./store-contract";

storeContract(
  "TieredCacheStore (memory over KV)",
  () => new TieredCacheStore(new MemoryCacheStore(), new KvCacheStore(env.CACHE), { nearTtlSeconds: 10 }),
);

const TTL = { ttlSeconds: 300 };

describe("TieredCacheStore", () => {
  it("copies a far hit near, then serves it without the far store", async () => {
    const near = new MemoryCacheStore();
    const far = new KvCacheStore(env.CACHE);
    await far.set("eb:tier:far-hit", { v: 1 }, TTL);
    const tiered = new TieredCacheStore(near, far, { nearTtlSeconds: 10 });
    expect(await tiered.get("eb:tier:far-hit")).toEqual({ v: 1 });
    expect(await near.get("eb:tier:far-hit")).toEqual({ v: 1 });
    await env.CACHE.delete("eb:tier:far-hit");
    expect(await tiered.get("eb:tier:far-hit")).toEqual({ v: 1 });
  });

  it("keeps near copies no longer than nearTtlSeconds", async () => {
    let now = 0;
    const near = new MemoryCacheStore({ now: () => now });
    const far = new KvCacheStore(env.CACHE);
    const tiered = new TieredCacheStore(near, far, { nearTtlSeconds: 10 });
    await tiered.set("eb:tier:near-ttl", "v1", TTL);
    await far.set("eb:tier:near-ttl", "v2", TTL);
    now = 9_999;
    expect(await tiered.get("eb:tier:near-ttl")).toBe("v1");
    now = 10_000;
    expect(await tiered.get("eb:tier:near-ttl")).toBe("v2");
  });

  it("writes and deletes both levels", async () => {
    const near = new MemoryCacheStore();
    const far = new KvCacheStore(env.CACHE);
    const tiered = new TieredCacheStore(near, far, { nearTtlSeconds: 10 });
    await tiered.set("eb:tier:both", [1], TTL);
    expect([await near.get("eb:tier:both"), await far.get("eb:tier:both")]).toEqual([[1], [1]]);
    await tiered.delete("eb:tier:both");
    expect([await near.get("eb:tier:both"), await far.get("eb:tier:both")]).toEqual([null, null]);
  });

  it("rejects a nearTtlSeconds that is not positive when built", () => {
    expect(
      () => new TieredCacheStore(new MemoryCacheStore(), new MemoryCacheStore(), { nearTtlSeconds: 0 }),
    ).toThrow(TypeError);
  });
});
