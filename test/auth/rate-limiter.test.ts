import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { RateLimiter } from "../../src/auth/rate-limiter";

let counter = 0;
function limiter() {
  counter += 1;
  const key = `test:limiter-${counter}`;
  return { key, stub: env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(key)) };
}

type Stub = ReturnType<typeof limiter>["stub"];

/** Moves every recorded hit `ms` into the past: simulates time passing without waiting. */
function age(stub: Stub, ms: number) {
  return runInDurableObject(stub, (_i, state) => {
    state.storage.sql.exec("UPDATE hits SET at = at - ?, expires = expires - ?", ms, ms);
  });
}

describe("RateLimiter Durable Object", () => {
  it("is a SQLite-backed object", async () => {
    const { stub } = limiter();
    await runInDurableObject(stub, (instance, state) => {
      expect(instance).toBeInstanceOf(RateLimiter);
      expect(state.storage.sql.exec("SELECT 1 AS one").one()).toEqual({ one: 1 });
    });
  });

  it("allows up to the limit, then denies with Retry-After", async () => {
    const { key, stub } = limiter();
    expect(await stub.hit(key, 3, 60)).toEqual({ allowed: true, remaining: 2, retryAfterSeconds: 0 });
    expect(await stub.hit(key, 3, 60)).toEqual({ allowed: true, remaining: 1, retryAfterSeconds: 0 });
    expect(await stub.hit(key, 3, 60)).toEqual({ allowed: true, remaining: 0, retryAfterSeconds: 0 });
    const denied = await stub.hit(key, 3, 60);
    expect(denied.allowed).toBe(false);
    expect(denied.remaining).toBe(0);
    expect(denied.retryAfterSeconds).toBeGreaterThanOrEqual(59);
    expect(denied.retryAfterSeconds).toBeLessThanOrEqual(60);
  });

  it("counts parallel hits exactly: never more than the limit get through", async () => {
    const { key, stub } = limiter();
    const results = await Promise.all(Array.from({ length: 10 }, () => stub.hit(key, 3, 60)));
    expect(results.filter((r) => r.allowed)).toHaveLength(3);
  });

  it("counts keys separately", async () => {
    const { key, stub } = limiter();
    expect((await stub.hit(key, 1, 60)).allowed).toBe(true);
    expect((await stub.hit(key, 1, 60)).allowed).toBe(false);
    expect((await stub.hit(`${key}:other`, 1, 60)).allowed).toBe(true);
  });

  it("recovers after the window: no permanent lockout, denied hits are not counted", async () => {
    const { key, stub } = limiter();
    await stub.hit(key, 2, 60);
    await age(stub, 30_000);
    await stub.hit(key, 2, 60);
    for (let i = 0; i < 10; i++) expect((await stub.hit(key, 2, 60)).allowed).toBe(false);
    // The oldest hit is 30 s old: it frees in about 30 s.
    const retry = (await stub.hit(key, 2, 60)).retryAfterSeconds;
    expect(retry).toBeGreaterThanOrEqual(29);
    expect(retry).toBeLessThanOrEqual(30);
    await age(stub, 30_000);
    // Sliding: one slot freed (the oldest left the window), the newer hit still counts.
    expect(await stub.hit(key, 2, 60)).toEqual({ allowed: true, remaining: 0, retryAfterSeconds: 0 });
    expect((await stub.hit(key, 2, 60)).allowed).toBe(false);
    await age(stub, 61_000);
    expect(await stub.hit(key, 2, 60)).toEqual({ allowed: true, remaining: 1, retryAfterSeconds: 0 });
  });

  it("computes Retry-After from the right hit when the limit was lowered", async () => {
    const { key, stub } = limiter();
    for (let i = 0; i < 3; i++) {
      await stub.hit(key, 10, 100);
      await age(stub, 10_000);
    }
    // Hits are 30 s, 20 s and 10 s old; with limit 2 the 30 s and 20 s ones must leave: ~80 s.
    const denied = await stub.hit(key, 2, 100);
    expect(denied.allowed).toBe(false);
    expect(denied.retryAfterSeconds).toBeGreaterThanOrEqual(79);
    expect(denied.retryAfterSeconds).toBeLessThanOrEqual(80);
  });

  it("fails closed on bad keys and clamps nonsense limits", async () => {
    const { key, stub } = limiter();
    expect(await stub.hit("", 1, 30)).toEqual({ allowed: false, remaining: 0, retryAfterSeconds: 30 });
    expect((await stub.hit("k".repeat(300), 5, 1)).allowed).toBe(false);
    expect((await stub.hit(key, 0, 0)).allowed).toBe(true);
    expect((await stub.hit(key, Number.NaN, 1)).allowed).toBe(false);
  });

  it("cleans up in its alarm and deletes its storage when idle (idempotently)", async () => {
    const { key, stub } = limiter();
    await stub.hit(key, 5, 60);
    const alarm = await runInDurableObject(stub, (_i, state) => state.storage.getAlarm());
    expect(alarm).not.toBeNull();
    await age(stub, 61_000);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    await runInDurableObject(stub, async (instance, state) => {
      expect(state.storage.sql.exec("SELECT name FROM sqlite_master WHERE name = 'hits'").toArray()).toEqual(
        [],
      );
      await instance.alarm();
    });
    // A fresh instance recreates its table and counts from zero.
    expect(await stub.hit(key, 5, 60)).toEqual({ allowed: true, remaining: 4, retryAfterSeconds: 0 });
  });
});
