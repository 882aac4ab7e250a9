/** Read-cache settings (`EdgebaseOptions.cache`) and the staleness bound they give each collection. */
import type { Collection } from "../../collections/collection";

/** Default staleness bound of a cached list or view response, in seconds. */
export const DEFAULT_READ_CACHE_TTL_SECONDS = 60;
/** Default cap on cache entries one isolate writes per collection per minute (see {@link FillBudget}). */
export const DEFAULT_MAX_FILLS_PER_MINUTE = 60;

/** Per-collection read-cache settings: a staleness bound, or `false` to never cache the collection. */
export type CollectionCacheOptions = { ttlSeconds?: number } | false;

/** Read-cache settings (`EdgebaseOptions.cache`). */
export interface ReadCacheOptions {
  /** Staleness bound of every cached response, in seconds. Default {@link DEFAULT_READ_CACHE_TTL_SECONDS}. */
  ttlSeconds?: number;
  /** Overrides per collection, by name or id. */
  collections?: Record<string, CollectionCacheOptions>;
  /**
   * Most cache entries an isolate writes per collection per minute; past it, reads are served uncached
   * until the minute ends. Default {@link DEFAULT_MAX_FILLS_PER_MINUTE}.
   */
  maxFillsPerMinute?: number;
  /** Clock in milliseconds, for tests (entry ages, generations, the isolate's memory level, fill budgets). */
  now?: () => number;
}

/** The staleness bound for `collection` in seconds, or null when the collection opted out. */
export function readCacheTtl(
  options: ReadCacheOptions,
  collection: Pick<Collection, "id" | "name">,
): number | null {
  const own = options.collections?.[collection.name] ?? options.collections?.[collection.id];
  if (own === false) return null;
  const ttl = own?.ttlSeconds ?? options.ttlSeconds ?? DEFAULT_READ_CACHE_TTL_SECONDS;
  if (!Number.isFinite(ttl) || ttl <= 0) throw new TypeError(`cache ttlSeconds must be positive, got ${ttl}`);
  return ttl;
}
