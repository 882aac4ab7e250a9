/** A two-level cache store: a fast near store (isolate memory) in front of a shared far one (KV). */
import { type CacheSetOptions, type CacheStore, type CacheValue, checkTtl } from "./store";

/** Options of {@link TieredCacheStore}. */
export interface TieredCacheStoreOptions {
  /** Longest time the near store keeps an entry, in seconds (it cannot know the far entry's age). */
  nearTtlSeconds: number;
}

/**
 * Reads the near store first, then the far one, copying far hits near for at most `nearTtlSeconds`;
 * writes and deletes go to both. Deleting reaches only this isolate's near store: other isolates keep
 * their copy up to `nearTtlSeconds`, so staleness bounds must include it (or embed an age, as `cached` does).
 */
export class TieredCacheStore implements CacheStore {
  readonly #near: CacheStore;
  readonly #far: CacheStore;
  readonly #nearTtlSeconds: number;

  /** Layers `near` over `far`; options are validated here, once. */
  constructor(near: CacheStore, far: CacheStore, options: TieredCacheStoreOptions) {
    this.#near = near;
    this.#far = far;
    this.#nearTtlSeconds = checkTtl(options.nearTtlSeconds);
  }

  /** The near value, else the far one (then kept near). */
  async get<T extends CacheValue = CacheValue>(key: string): Promise<T | null> {
    const near = await this.#near.get<T>(key);
    if (near !== null) return near;
    const far = await this.#far.get<T>(key);
    if (far !== null) await this.#near.set(key, far, { ttlSeconds: this.#nearTtlSeconds });
    return far;
  }

  /** Writes near (for at most `nearTtlSeconds`) and far. */
  async set(key: string, value: CacheValue, options: CacheSetOptions): Promise<void> {
    const nearTtl = Math.min(checkTtl(options.ttlSeconds), this.#nearTtlSeconds);
    await this.#near.set(key, value, { ttlSeconds: nearTtl });
    await this.#far.set(key, value, options);
  }

  /** Deletes near and far. */
  async delete(key: string): Promise<void> {
    await this.#near.delete(key);
    await this.#far.delete(key);
  }
}
