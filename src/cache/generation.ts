/** Per-collection cache generations: read with a short isolate cache, bumped on writes, stored coalesced. */
import { generationKey } from "./keys";
import type { CacheStore } from "./store";

/** The generation of a collection that was never bumped (or whose stored generation expired). */
export const INITIAL_GENERATION = "0";
/** Default time an isolate reuses a generation it read before asking the store again. */
export const DEFAULT_LOCAL_TTL_MS = 5_000;
/** Default minimum time between two stored writes of one collection's generation: KV's per-key limit. */
export const DEFAULT_MIN_WRITE_INTERVAL_MS = 1_000;
/** Default lifetime of a stored generation; it must outlive every cached data entry. */
export const DEFAULT_GENERATION_TTL_SECONDS = 30 * 24 * 60 * 60;
/** Default number of collections whose generation an isolate remembers. */
export const DEFAULT_MAX_COLLECTIONS = 1000;
const MAX_WRITE_ATTEMPTS = 3;

/** Registers work to finish after the response (a request's `ctx.waitUntil`). */
export type WaitUntil = (promise: Promise<unknown>) => void;

/** Options of {@link CollectionGenerations}. */
export interface GenerationOptions {
  /** See {@link DEFAULT_LOCAL_TTL_MS}. */
  localTtlMs?: number;
  /** See {@link DEFAULT_MIN_WRITE_INTERVAL_MS}. */
  minWriteIntervalMs?: number;
  /** See {@link DEFAULT_GENERATION_TTL_SECONDS}. */
  ttlSeconds?: number;
  /** See {@link DEFAULT_MAX_COLLECTIONS}. */
  maxCollections?: number;
  /** Reports a failed store read or write (the cache then degrades; requests never fail). */
  onError?: (error: unknown) => void;
  /** Clock in milliseconds, for tests. Default `Date.now`. */
  now?: () => number;
  /** Waits `ms` milliseconds, for tests. Default `setTimeout`. */
  sleep?: (ms: number) => Promise<void>;
}

interface Known {
  generation: string;
  checkedAt: number;
}

interface WriteState {
  generation: string;
  lastWriteAt: number;
  pending: boolean;
}

/**
 * The cache generation of each collection. Data keys embed it, so a bump makes every later read miss.
 *
 * Generations are time-ordered strings and an isolate keeps the greatest it has seen, so it never goes
 * back: the isolate that bumped sees its own bump at once, whatever the store returns. Other isolates see
 * it within `localTtlMs` + the store's read staleness (KV: its `cacheTtl`, >= 30 s, plus propagation
 * across locations, 60 s or more) + at most `minWriteIntervalMs` of coalescing. Cached entries must
 * therefore also bound their own age (`cached` does): the generation is the fast path, age the guarantee.
 *
 * Bumps are written at most once per `minWriteIntervalMs` per collection per isolate: the first write of a
 * burst goes at once, the rest collapse into one write of the latest generation after the interval.
 * Isolates do not coordinate; a write KV rejects (too many writes to the key) is retried after the
 * interval, up to 3 attempts, then reported to `onError`.
 */
export class CollectionGenerations {
  readonly #store: CacheStore;
  readonly #localTtlMs: number;
  readonly #minWriteIntervalMs: number;
  readonly #ttlSeconds: number;
  readonly #maxCollections: number;
  readonly #onError: (error: unknown) => void;
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #known = new Map<string, Known>();
  readonly #writes = new Map<string, WriteState>();

  /** Reads and writes generations through `store` (KV in production; give it `cacheTtlSeconds: 30`). */
  constructor(store: CacheStore, options: GenerationOptions = {}) {
    this.#store = store;
    this.#localTtlMs = nonNegative("localTtlMs", options.localTtlMs ?? DEFAULT_LOCAL_TTL_MS);
    this.#minWriteIntervalMs = nonNegative(
      "minWriteIntervalMs",
      options.minWriteIntervalMs ?? DEFAULT_MIN_WRITE_INTERVAL_MS,
    );
    this.#ttlSeconds = positive("ttlSeconds", options.ttlSeconds ?? DEFAULT_GENERATION_TTL_SECONDS);
    this.#maxCollections = positive("maxCollections", options.maxCollections ?? DEFAULT_MAX_COLLECTIONS);
    this.#onError = options.onError ?? (() => {});
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Collections whose generation this isolate remembers, and whose stored write it tracks (tests check the bound). */
  get size(): { known: number; writes: number } {
    return { known: this.#known.size, writes: this.#writes.size };
  }

  /**
   * The collection's current generation: the isolate's copy while younger than `localTtlMs`, else the
   * greater of it and the stored one. Throws only when the store fails and the isolate has no copy;
   * callers then skip the cache for that request.
   */
  async current(collection: string): Promise<string> {
    const known = this.#known.get(collection);
    const now = this.#now();
    if (known && now - known.checkedAt < this.#localTtlMs) return known.generation;
    let stored: unknown;
    try {
      stored = await this.#store.get(await generationKey(collection));
    } catch (error) {
      if (!known) throw error;
      this.#onError(error);
    }
    const valid = typeof stored === "string" && GENERATION_SHAPE.test(stored) ? stored : INITIAL_GENERATION;
    const generation = greater(known?.generation ?? INITIAL_GENERATION, valid);
    this.#remember(collection, generation, now);
    return generation;
  }

  /**
   * Moves the collection to a new generation after a write and returns it. This isolate uses it at once;
   * storing it is scheduled through `waitUntil`, coalesced as described on the class.
   */
  bump(collection: string, waitUntil: WaitUntil): string {
    const now = this.#now();
    const generation = nextGeneration(this.#known.get(collection)?.generation, now);
    this.#remember(collection, generation, now);
    let write = this.#writes.get(collection);
    if (!write) {
      write = { generation, lastWriteAt: Number.NEGATIVE_INFINITY, pending: false };
      this.#writes.set(collection, write);
      this.#prune(this.#writes, (w) => !w.pending);
    }
    write.generation = generation;
    if (!write.pending) {
      write.pending = true;
      waitUntil(this.#flush(collection, write, write.lastWriteAt + this.#minWriteIntervalMs - now));
    }
    return generation;
  }

  async #flush(collection: string, write: WriteState, delayMs: number): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      if (delayMs > 0) await this.#sleep(delayMs);
      // From here on a new bump schedules its own write, spaced from this one.
      write.pending = false;
      write.lastWriteAt = this.#now();
      try {
        await this.#store.set(await generationKey(collection), write.generation, {
          ttlSeconds: this.#ttlSeconds,
        });
        return;
      } catch (error) {
        this.#onError(error);
        if (write.pending || attempt >= MAX_WRITE_ATTEMPTS) return;
        write.pending = true;
        delayMs = this.#minWriteIntervalMs;
      }
    }
  }

  #remember(collection: string, generation: string, checkedAt: number): void {
    this.#known.delete(collection);
    this.#known.set(collection, { generation, checkedAt });
    this.#prune(this.#known, () => true);
  }

  #prune<V>(map: Map<string, V>, removable: (value: V) => boolean): void {
    for (const [key, value] of map) {
      if (map.size <= this.#maxCollections) return;
      if (removable(value)) map.delete(key);
    }
  }
}

// `<time ms, base 36><sequence within the ms><random>`, fixed widths, so string order is time order and
// two isolates bumping in the same millisecond still pick different generations.
const GENERATION_SHAPE = /^[0-9a-z]{9}\.[0-9a-z]{4}\.[0-9a-z]{6}$/;
const SEQUENCE_LIMIT = 36 ** 4;

/** A generation greater than `previous` (if any), stamped with `nowMs`. Exported for tests. */
export function nextGeneration(previous: string | undefined, nowMs: number): string {
  let time = Math.floor(nowMs);
  let sequence = 0;
  if (previous && GENERATION_SHAPE.test(previous)) {
    const previousTime = Number.parseInt(previous.slice(0, 9), 36);
    if (previousTime >= time) {
      time = previousTime;
      sequence = Number.parseInt(previous.slice(10, 14), 36) + 1;
      if (sequence >= SEQUENCE_LIMIT) [time, sequence] = [time + 1, 0];
    }
  }
  const random = crypto.getRandomValues(new Uint32Array(1))[0]!.toString(36).padStart(7, "0").slice(-6);
  return `${time.toString(36).padStart(9, "0")}.${sequence.toString(36).padStart(4, "0")}.${random}`;
}

function greater(a: string, b: string): string {
  return a >= b ? a : b;
}

function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw new TypeError(`${name} must be a non-negative number`);
  return value;
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new TypeError(`${name} must be a positive number`);
  return value;
}
