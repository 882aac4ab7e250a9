/** An in-memory cache store: a bounded LRU with per-entry TTL, for tests and as an isolate-level L1. */
import {
  type CacheSetOptions,
  type CacheStore,
  type CacheValue,
  checkKey,
  checkTtl,
  parseCacheValue,
  serializeCacheValue,
} from "./store";

/** Default cap on entries of a {@link MemoryCacheStore}. */
export const DEFAULT_MAX_ENTRIES = 1000;
/** Default cap on the approximate memory of a {@link MemoryCacheStore}: 8 MB of an isolate's 128 MB. */
export const DEFAULT_MAX_BYTES = 8 * 1024 * 1024;

/** Options of {@link MemoryCacheStore}. */
export interface MemoryCacheStoreOptions {
  /** Most entries kept; the least recently used go first. Default {@link DEFAULT_MAX_ENTRIES}. */
  maxEntries?: number;
  /** Most bytes kept (keys and values, counted as UTF-16). Default {@link DEFAULT_MAX_BYTES}. */
  maxBytes?: number;
  /** Clock in milliseconds, for tests. Default `Date.now`. */
  now?: () => number;
}

interface Entry {
  text: string;
  expiresAt: number;
  bytes: number;
}

/**
 * A {@link CacheStore} in the isolate's memory. Values are kept serialized, so a caller mutating what it
 * read or wrote never changes the cache, and they behave exactly as they would through KV. TTLs are exact.
 */
export class MemoryCacheStore implements CacheStore {
  // A Map iterates in insertion order; re-inserting on read makes its first key the least recently used.
  readonly #entries = new Map<string, Entry>();
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  readonly #now: () => number;
  #bytes = 0;

  /** Creates an empty store; options are validated here, once. */
  constructor(options: MemoryCacheStoreOptions = {}) {
    this.#maxEntries = positiveInteger("maxEntries", options.maxEntries ?? DEFAULT_MAX_ENTRIES);
    this.#maxBytes = positiveInteger("maxBytes", options.maxBytes ?? DEFAULT_MAX_BYTES);
    this.#now = options.now ?? Date.now;
  }

  /** Number of entries held, expired ones included until they are touched or evicted. */
  get size(): number {
    return this.#entries.size;
  }

  /** Reads `key`, marking it recently used; an expired entry is dropped and reads as a miss. */
  async get<T extends CacheValue = CacheValue>(key: string): Promise<T | null> {
    const entry = this.#entries.get(checkKey(key));
    if (!entry) return null;
    this.#remove(key, entry);
    if (entry.expiresAt <= this.#now()) return null;
    this.#insert(key, entry);
    return parseCacheValue<T>(entry.text);
  }

  /** Stores `value` for exactly `ttlSeconds`; a value larger than the whole store is not kept. */
  async set(key: string, value: CacheValue, options: CacheSetOptions): Promise<void> {
    checkKey(key);
    const text = serializeCacheValue(value);
    const expiresAt = this.#now() + checkTtl(options.ttlSeconds) * 1000;
    const old = this.#entries.get(key);
    if (old) this.#remove(key, old);
    const bytes = (key.length + text.length) * 2;
    if (bytes > this.#maxBytes) return;
    this.#insert(key, { text, expiresAt, bytes });
    for (const [oldest, entry] of this.#entries) {
      if (this.#entries.size <= this.#maxEntries && this.#bytes <= this.#maxBytes) break;
      this.#remove(oldest, entry);
    }
  }

  /** Removes `key`. */
  async delete(key: string): Promise<void> {
    const entry = this.#entries.get(checkKey(key));
    if (entry) this.#remove(key, entry);
  }

  #insert(key: string, entry: Entry): void {
    this.#entries.set(key, entry);
    this.#bytes += entry.bytes;
  }

  #remove(key: string, entry: Entry): void {
    this.#entries.delete(key);
    this.#bytes -= entry.bytes;
  }
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new TypeError(`${name} must be a positive integer, got ${value}`);
  }
  return value;
}
