import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  CollectionGenerations,
  type GenerationOptions,
  INITIAL_GENERATION,
  nextGeneration,
} from "../../src/cache/generation";
import { generationKey } from "../../src/cache/keys";
import { KvCacheStore } from "../../src/cache/kv-store";
import type { CacheSetOptions, CacheStore, CacheValue } from "../../src/cache/store";

/** Records the reads and writes that reach the real KV store, and can make the next writes fail. */
class CountingStore implements CacheStore {
  readonly inner = new KvCacheStore(env.CACHE);
  reads: string[] = [];
  writes: CacheValue[] = [];
  failNextWrites = 0;
  get<T extends CacheValue = CacheValue>(key: string): Promise<T | null> {
    this.reads.push(key);
    return this.inner.get<T>(key);
  }
  async set(key: string, value: CacheValue, options: CacheSetOptions): Promise<void> {
    if (this.failNextWrites > 0) {
      this.failNextWrites -= 1;
      throw new Error("KV PUT failed: 429 Too Many Requests");
    }
    this.writes.push(value);
    await this.inner.set(key, value, options);
  }
  delete(key: string): Promise<void> {
    return this.inner.delete(key);
  }
}

/** A manual clock and sleep: sleeps wait until the test advances time past them. */
function manualTime(start = 1_700_000_000_000) {
  let now = start;
  const sleepers: { until: number; wake: () => void }[] = [];
  return {
    now: () => now,
    sleep: (ms: number) => new Promise<void>((wake) => sleepers.push({ until: now + ms, wake })),
    sleeping: () => sleepers.map((s) => s.until - now),
    advance(ms: number) {
      now += ms;
      for (const s of sleepers.splice(0)) {
        if (s.until <= now) s.wake();
        else sleepers.push(s);
      }
    },
  };
}

/** Collects waitUntil promises so a test can wait for background work. */
function background() {
  const promises: Promise<unknown>[] = [];
  return {
    waitUntil: (p: Promise<unknown>) => {
      promises.push(p);
    },
    settle: async () => {
      // Let scheduled flushes run up to their first sleep or finish.
      for (let i = 0; i < 20; i++) await Promise.resolve();
      await new Promise((resolve) => setTimeout(resolve, 0));
    },
    all: () => Promise.all(promises),
  };
}

let collectionCounter = 0;
function freshCollection(): string {
  collectionCounter += 1;
  return `posts${collectionCounter}`;
}

/** A generations instance over a recording KV store, with manual time and a fresh collection name. */
function setup(options: GenerationOptions = {}) {
  const time = manualTime();
  const store = new CountingStore();
  const errors: unknown[] = [];
  const gens = new CollectionGenerations(store, { ...time, onError: (e) => errors.push(e), ...options });
  return { time, store, errors, gens, bg: background(), collection: freshCollection() };
}

describe("nextGeneration", () => {
  it("orders generations by time, then by sequence within a millisecond", () => {
    const a = nextGeneration(undefined, 1000);
    const b = nextGeneration(a, 1000);
    const c = nextGeneration(b, 1000);
    const d = nextGeneration(c, 2000);
    expect(a < b && b < c && c < d).toBe(true);
    expect(a).toMatch(/^[0-9a-z]{9}\.0000\.[0-9a-z]{6}$/);
    expect(c.slice(10, 14)).toBe("0002");
    expect(INITIAL_GENERATION < a).toBe(true);
  });

  it("never goes back when the clock does", () => {
    const later = nextGeneration(undefined, 5000);
    expect(nextGeneration(later, 1000) > later).toBe(true);
  });

  it("picks different generations for two isolates in the same millisecond", () => {
    const seen = new Set(Array.from({ length: 50 }, () => nextGeneration(undefined, 1000)));
    expect(seen.size).toBe(50);
  });
});

describe("CollectionGenerations", () => {
  it("starts at the initial generation and sees its own bump at once", async () => {
    const { gens, bg, collection } = setup();
    expect(await gens.current(collection)).toBe(INITIAL_GENERATION);
    const bumped = gens.bump(collection, bg.waitUntil);
    expect(bumped > INITIAL_GENERATION).toBe(true);
    expect(await gens.current(collection)).toBe(bumped);
    await bg.all();
  });

  it("coalesces a burst of bumps into one write now and one write of the latest after the interval", async () => {
    const { time, store, gens, bg, collection } = setup();

    let latest = "";
    for (let i = 0; i < 100; i++) latest = gens.bump(collection, bg.waitUntil);
    await bg.settle();
    expect(store.writes).toHaveLength(1);
    expect(time.sleeping()).toEqual([1000]);

    for (let i = 0; i < 100; i++) latest = gens.bump(collection, bg.waitUntil);
    await bg.settle();
    expect(store.writes).toHaveLength(1);

    time.advance(1000);
    await bg.all();
    expect(store.writes).toHaveLength(2);
    expect(store.writes[1]).toBe(latest);
    expect(await env.CACHE.get(await generationKey(collection), "json")).toBe(latest);
  });

  it("writes at once again after a quiet interval, and spaces writes that follow a write", async () => {
    const { time, store, gens, bg, collection } = setup();

    gens.bump(collection, bg.waitUntil);
    await bg.settle();
    time.advance(5000);
    const second = gens.bump(collection, bg.waitUntil);
    await bg.settle();
    expect(store.writes).toEqual([expect.any(String), second]);

    time.advance(400);
    const third = gens.bump(collection, bg.waitUntil);
    await bg.settle();
    expect(time.sleeping()).toEqual([600]);
    time.advance(600);
    await bg.all();
    expect(store.writes).toHaveLength(3);
    expect(store.writes[2]).toBe(third);
  });

  it("shows another isolate's bump once its local copy is older than localTtlMs", async () => {
    const { time, store, gens: writer, bg, collection } = setup();
    const reader = new CollectionGenerations(store, { ...time, localTtlMs: 5000 });

    expect(await reader.current(collection)).toBe(INITIAL_GENERATION);
    const bumped = writer.bump(collection, bg.waitUntil);
    await bg.all();
    time.advance(4999);
    expect(await reader.current(collection)).toBe(INITIAL_GENERATION);
    time.advance(1);
    expect(await reader.current(collection)).toBe(bumped);
  });

  it("keeps its own newer bump when the store still returns an older generation", async () => {
    const { time, store, gens, bg, collection } = setup({ localTtlMs: 10 });

    const first = gens.bump(collection, bg.waitUntil);
    await bg.settle();
    const second = gens.bump(collection, bg.waitUntil); // its write waits for the interval
    time.advance(20);
    expect(await store.get(await generationKey(collection))).toBe(first);
    expect(await gens.current(collection)).toBe(second);
    time.advance(1000);
    await bg.all();
  });

  it("ignores a stored value that is not a generation", async () => {
    const { gens, collection } = setup();
    await env.CACHE.put(await generationKey(collection), JSON.stringify("zzzzzzzzz.zzzz.zzzzzz-evil"));
    expect(await gens.current(collection)).toBe(INITIAL_GENERATION);
  });

  it("retries a rejected write after the interval and reports the error", async () => {
    const { time, store, errors, gens, bg, collection } = setup();

    store.failNextWrites = 1;
    const bumped = gens.bump(collection, bg.waitUntil);
    await bg.settle();
    expect(errors).toHaveLength(1);
    expect(store.writes).toHaveLength(0);
    time.advance(1000);
    await bg.all();
    expect(store.writes).toEqual([bumped]);
  });

  it("gives up after three rejected attempts", async () => {
    const { time, store, errors, gens, bg, collection } = setup();
    store.failNextWrites = 10;
    gens.bump(collection, bg.waitUntil);
    for (let i = 0; i < 5; i++) {
      await bg.settle();
      time.advance(1000);
    }
    await bg.all();
    expect(errors).toHaveLength(3);
    expect(store.failNextWrites).toBe(7);
  });

  it("falls back to its own copy when the store cannot be read, and throws without one", async () => {
    const time = manualTime();
    const broken: CacheStore = {
      get: () => Promise.reject(new Error("KV down")),
      set: () => Promise.resolve(),
      delete: () => Promise.resolve(),
    };
    const errors: unknown[] = [];
    const gens = new CollectionGenerations(broken, { ...time, onError: (e) => errors.push(e) });
    const bg = background();
    await expect(gens.current("posts")).rejects.toThrow("KV down");
    const bumped = gens.bump("posts", bg.waitUntil);
    time.advance(60_000);
    expect(await gens.current("posts")).toBe(bumped);
    expect(errors).toHaveLength(1);
    await bg.all();
  });

  it("forgets the least recently used collections beyond maxCollections", async () => {
    const { store, gens, bg, collection: a } = setup({ maxCollections: 2, localTtlMs: 60_000 });
    const [b, c] = [freshCollection(), freshCollection()];
    const bumpedA = gens.bump(a, bg.waitUntil);
    gens.bump(b, bg.waitUntil);
    const bumpedC = gens.bump(c, bg.waitUntil);
    await bg.all();
    expect(await gens.current(c)).toBe(bumpedC);
    expect(store.reads).toEqual([]);
    expect(await gens.current(a)).toBe(bumpedA);
    expect(store.reads).toEqual([await generationKey(a)]);
  });

  it.each([{ localTtlMs: -1 }, { minWriteIntervalMs: Number.NaN }, { ttlSeconds: 0 }, { maxCollections: 0 }])(
    "rejects options %o when built",
    (options) => {
      expect(() => new CollectionGenerations(new CountingStore(), options)).toThrow(TypeError);
    },
  );
});
