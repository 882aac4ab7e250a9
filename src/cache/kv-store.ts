/** The cache store over a Workers KV namespace, within KV's minimum TTLs. */
import {
  type CacheSetOptions,
  type CacheStore,
  type CacheValue,
  checkKey,
  checkTtl,
  parseCacheValue,
  serializeCacheValue,
} from "./store";

/** KV rejects an `expirationTtl` below 60 s. */
export const KV_MIN_EXPIRATION_TTL = 60;
/** KV rejects a `cacheTtl` below 30 s. */
export const KV_MIN_CACHE_TTL = 30;

/** Options of {@link KvCacheStore}. */
export interface KvCacheStoreOptions {
  /**
   * How long a location may keep a read value in its edge cache (KV `cacheTtl`), clamped up to 30 s.
   * Longer helps keys whose value never changes (versioned data keys); keep it at 30 for keys that are
   * overwritten (generations), since a location may serve the old value that long. Default: KV's own (60 s).
   */
  cacheTtlSeconds?: number;
}

/**
 * A {@link CacheStore} over KV. TTLs below KV's minimum of 60 s are raised to 60 s: such an entry lives
 * longer than asked, so callers that need a tighter bound check the age themselves (`cached` does).
 * KV is eventually consistent (60 s or more across locations) and takes one write per second per key.
 */
export class KvCacheStore implements CacheStore {
  readonly #kv: KVNamespace;
  readonly #getOptions: KVNamespaceGetOptions<"text">;

  /** Wraps `kv`; options are validated here, once. */
  constructor(kv: KVNamespace, options: KvCacheStoreOptions = {}) {
    this.#kv = kv;
    const cacheTtl = options.cacheTtlSeconds;
    this.#getOptions =
      cacheTtl === undefined
        ? { type: "text" }
        : { type: "text", cacheTtl: Math.max(KV_MIN_CACHE_TTL, checkTtl(cacheTtl)) };
  }

  /** Reads and parses `key`; an unparseable entry reads as a miss. */
  async get<T extends CacheValue = CacheValue>(key: string): Promise<T | null> {
    return parseCacheValue<T>(await this.#kv.get(checkKey(key), this.#getOptions));
  }

  /** Writes `value` with `expirationTtl = max(60, ttlSeconds)`. */
  async set(key: string, value: CacheValue, options: CacheSetOptions): Promise<void> {
    const expirationTtl = Math.max(KV_MIN_EXPIRATION_TTL, checkTtl(options.ttlSeconds));
    await this.#kv.put(checkKey(key), serializeCacheValue(value), { expirationTtl });
  }

  /** Deletes `key` (other locations may still serve it from their edge cache for up to `cacheTtl`). */
  async delete(key: string): Promise<void> {
    await this.#kv.delete(checkKey(key));
  }
}
