/**
 * Every isolate-lived in-memory structure outside realtime stays within its bound when driven with many
 * distinct keys. Removing a bound (a plain Map instead of an LRU, a missing prune) fails here.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { clearDevOutbox, createDevMailer, DEV_OUTBOX_LIMIT, readDevOutbox } from "../../src/auth/mailer";
import { createSessionChecker } from "../../src/auth/session-check";
import {
  fingerprintCacheSize,
  keyFingerprint,
  signingKey,
  TOKEN_KEY_CACHE_SIZE,
  tokenKeyCacheSizes,
} from "../../src/auth/token-keys";
import { VERIFIED_TOKEN_CACHE_SIZE, VerifiedTokens } from "../../src/auth/verified-tokens";
import { CollectionGenerations, MemoryCacheStore } from "../../src/cache";
import { FillBudget, MAX_BUDGET_COLLECTIONS } from "../../src/cache/read-cache";
import { LruMap } from "../../src/lib/lru-map";
import { createLogger } from "../../src/observability/logger";
import { LogWriter } from "../../src/ops/logs/writer";
import { WindowCounter } from "../../src/ops/ratelimits";
import { parseCacheSize, parseFilter } from "../../src/rules/cache";
import { PARSE_CACHE_SIZE } from "../../src/rules/limits";

const OVER = 50;

describe("in-memory bounds", () => {
  it("LruMap keeps at most its cap", () => {
    const map = new LruMap<number, number>(10);
    for (let i = 0; i < 10 + OVER; i++) map.set(i, i);
    expect(map.size).toBe(10);
    expect(map.get(0)).toBeUndefined();
    expect(map.get(10 + OVER - 1)).toBe(10 + OVER - 1);
  });

  it("the parsed-filter cache (rules/cache.ts) keeps at most PARSE_CACHE_SIZE filters and errors", () => {
    for (let i = 0; i < PARSE_CACHE_SIZE + OVER; i++) {
      parseFilter(`n = ${i}`);
      expect(() => parseFilter(`n = = ${i}`)).toThrow();
    }
    expect(parseCacheSize()).toBe(PARSE_CACHE_SIZE);
  });

  it("the token key caches (auth/token-keys.ts) keep at most TOKEN_KEY_CACHE_SIZE keys each", async () => {
    const secret = "s".repeat(40);
    for (let i = 0; i < TOKEN_KEY_CACHE_SIZE + OVER; i++) {
      await signingKey({ secret: `${secret}${i}`, type: "auth", tokenKey: `k${i}` });
    }
    expect(tokenKeyCacheSizes()).toEqual({ derived: TOKEN_KEY_CACHE_SIZE, base: TOKEN_KEY_CACHE_SIZE });
  });

  it("the key fingerprint cache (auth/token-keys.ts) keeps at most TOKEN_KEY_CACHE_SIZE fingerprints", async () => {
    const secret = "s".repeat(40);
    for (let i = 0; i < TOKEN_KEY_CACHE_SIZE + OVER; i++) await keyFingerprint(secret, `k${i}`);
    expect(fingerprintCacheSize()).toBe(TOKEN_KEY_CACHE_SIZE);
  });

  it("the verified-token memo (auth/verified-tokens.ts) keeps at most VERIFIED_TOKEN_CACHE_SIZE tokens", () => {
    const memo = new VerifiedTokens();
    const claims = {
      sub: "u",
      collectionId: "c",
      sid: "s",
      refreshable: true,
      type: "auth" as const,
      iat: 0,
      exp: 1,
    };
    for (let i = 0; i < VERIFIED_TOKEN_CACHE_SIZE + OVER; i++) {
      memo.set(`token${i}`, { claims, secret: "s", tokenKey: "k" });
    }
    expect(memo.size).toBe(VERIFIED_TOKEN_CACHE_SIZE);
  });

  it("the session checker (auth/session-check.ts) keeps at most maxEntries answers", async () => {
    const checker = createSessionChecker(env.USER_SESSIONS, { maxEntries: 20 });
    for (let i = 0; i < 20 + 10; i++) {
      expect(await checker.isActive({ collectionId: "users", userId: "bounduser", sessionId: `s${i}` })).toBe(
        false,
      );
    }
    expect(checker.size()).toBe(20);
  });

  it("the dev mail outbox (auth/mailer.ts) keeps the last DEV_OUTBOX_LIMIT messages", async () => {
    clearDevOutbox();
    const mailer = createDevMailer(createLogger({ level: "off" }));
    for (let i = 0; i < DEV_OUTBOX_LIMIT + OVER; i++) {
      await mailer.send({ to: `u${i}@example.com`, subject: "hi", text: "t", html: "h" });
    }
    const outbox = readDevOutbox();
    expect(outbox).toHaveLength(DEV_OUTBOX_LIMIT);
    expect(outbox.at(-1)?.to).toBe(`u${DEV_OUTBOX_LIMIT + OVER - 1}@example.com`);
    clearDevOutbox();
  });

  it("the isolate's memory cache level (cache/memory-store.ts) keeps at most maxEntries and maxBytes", async () => {
    const byCount = new MemoryCacheStore({ maxEntries: 100 });
    for (let i = 0; i < 100 + OVER; i++) await byCount.set(`k${i}`, i, { ttlSeconds: 60 });
    expect(byCount.size).toBe(100);
    const byBytes = new MemoryCacheStore({ maxBytes: 10_000 });
    for (let i = 0; i < 100; i++) await byBytes.set(`k${i}`, "x".repeat(500), { ttlSeconds: 60 });
    // Each entry is about 1 KB (UTF-16), so 10 KB holds at most 9 of them.
    expect(byBytes.size).toBeLessThanOrEqual(9);
  });

  it("collection generations (cache/generation.ts) remember at most maxCollections", async () => {
    const generations = new CollectionGenerations(new MemoryCacheStore(), {
      maxCollections: 30,
      minWriteIntervalMs: 0,
    });
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < 30 + OVER; i++) {
      await generations.current(`read${i}`);
      generations.bump(`write${i}`, (p) => writes.push(p));
      await Promise.all(writes);
    }
    expect(generations.size.known).toBeLessThanOrEqual(30);
    expect(generations.size.writes).toBeLessThanOrEqual(30);
  });

  it("the per-isolate API rate-limit windows (ops/ratelimits/window.ts) track at most maxKeys clients", () => {
    const counter = new WindowCounter(100);
    for (let i = 0; i < 100 + OVER; i++) expect(counter.hit(`rule|198.51.100.${i}`, 5, 60).ok).toBe(true);
    expect(counter.size).toBe(100);
  });

  it("the request-log buffer (ops/logs/writer.ts) keeps at most maxBuffered entries and counts the dropped", () => {
    const writer = new LogWriter({ maxBuffered: 40, flushDelayMs: 0 });
    for (let i = 0; i < 40 + OVER; i++)
      writer.add({ id: `l${i}`, created: "", level: 0, message: "m", data: {} });
    expect(writer.size).toBe(40);
    expect(writer.dropped).toBe(OVER);
  });

  it("read-cache fill budgets (cache/read-cache/fill-budget.ts) track at most MAX_BUDGET_COLLECTIONS", () => {
    const budget = new FillBudget(1);
    for (let i = 0; i < MAX_BUDGET_COLLECTIONS + OVER; i++) budget.take(`c${i}`);
    expect(budget.size).toBe(MAX_BUDGET_COLLECTIONS);
  });
});
