import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { KV_MIN_EXPIRATION_TTL, KvCacheStore } from "../../src/cache/kv-store";
import { storeContract } from "./store-contract";

storeContract("KvCacheStore", () => new KvCacheStore(env.CACHE));
storeContract("KvCacheStore with cacheTtl", () => new KvCacheStore(env.CACHE, { cacheTtlSeconds: 300 }));

/** The expiration KV recorded for `key`, in seconds since the epoch. */
async function expirationOf(key: string): Promise<number | undefined> {
  const listed = await env.CACHE.list({ prefix: key });
  return listed.keys.find((k) => k.name === key)?.expiration;
}

describe("KvCacheStore", () => {
  it("raises a TTL below KV's 60 s minimum to 60 s instead of failing", async () => {
    const store = new KvCacheStore(env.CACHE);
    const before = Math.floor(Date.now() / 1000);
    await store.set("eb:kv:short-ttl", "x", { ttlSeconds: 1 });
    expect(await store.get("eb:kv:short-ttl")).toBe("x");
    const expiration = await expirationOf("eb:kv:short-ttl");
    expect(expiration).toBeGreaterThanOrEqual(before + KV_MIN_EXPIRATION_TTL);
    expect(expiration).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + KV_MIN_EXPIRATION_TTL);
  });

  it("passes a longer TTL through as the expiration", async () => {
    const store = new KvCacheStore(env.CACHE);
    const before = Math.floor(Date.now() / 1000);
    await store.set("eb:kv:long-ttl", "x", { ttlSeconds: 3600 });
    const expiration = await expirationOf("eb:kv:long-ttl");
    expect(expiration).toBeGreaterThanOrEqual(before + 3600);
    expect(expiration).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 3600);
  });

  it("raises a cacheTtl below KV's 30 s minimum instead of failing every read", async () => {
    const store = new KvCacheStore(env.CACHE, { cacheTtlSeconds: 5 });
    await store.set("eb:kv:cache-ttl", [1, 2], { ttlSeconds: 60 });
    expect(await store.get("eb:kv:cache-ttl")).toEqual([1, 2]);
  });

  it.each([0, -5, Number.NaN])("rejects a cacheTtl of %s when built", (cacheTtlSeconds) => {
    expect(() => new KvCacheStore(env.CACHE, { cacheTtlSeconds })).toThrow(TypeError);
  });

  it("reads an entry that is not JSON (written by something else) as a miss", async () => {
    await env.CACHE.put("eb:kv:foreign", "{not json");
    expect(await new KvCacheStore(env.CACHE).get("eb:kv:foreign")).toBeNull();
  });

  it("stores JSON text that other KV readers can parse", async () => {
    await new KvCacheStore(env.CACHE).set("eb:kv:raw", { a: "b" }, { ttlSeconds: 60 });
    expect(await env.CACHE.get("eb:kv:raw", "json")).toEqual({ a: "b" });
  });
});
