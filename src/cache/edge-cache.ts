/** The recommended wiring of the cache pieces over one KV namespace, made once per isolate. */
import { CollectionGenerations, type GenerationOptions } from "./generation";
import { KvCacheStore } from "./kv-store";
import { MemoryCacheStore, type MemoryCacheStoreOptions } from "./memory-store";
import type { CacheStore } from "./store";
import { TieredCacheStore } from "./tiered-store";

/** Default time an isolate keeps a data entry in memory before asking KV again. */
export const DEFAULT_NEAR_TTL_SECONDS = 5;
// Data keys embed a generation and are never overwritten with different content, so a location may keep
// them as long as KV's default; generation keys are overwritten, so they use KV's minimum.
const DATA_CACHE_TTL_SECONDS = 60;
const GENERATION_CACHE_TTL_SECONDS = 30;

/** Options of {@link createEdgeCache}. */
export interface EdgeCacheOptions {
  /** Reports cache failures (the cache degrades; requests never fail because of it). */
  onError?: (error: unknown) => void;
  /** See {@link DEFAULT_NEAR_TTL_SECONDS}. */
  nearTtlSeconds?: number;
  /** Bounds of the isolate's in-memory level. */
  memory?: MemoryCacheStoreOptions;
  /** Options of the generations (tests pass a clock). */
  generations?: GenerationOptions;
}

/** The cache of one isolate: data entries (memory over KV) and collection generations (KV). */
export interface EdgeCache {
  /** Where cached responses live; read through it with `cached` under `collectionDataKey` keys. */
  data: CacheStore;
  /** Current generation per collection; bump after every committed write to the collection. */
  generations: CollectionGenerations;
}

/**
 * Builds the cache over `kv`. Keep the result at module scope (one per isolate): the memory level and the
 * generations' own-bump guarantee only help if later requests of the isolate share them.
 */
export function createEdgeCache(kv: KVNamespace, options: EdgeCacheOptions = {}): EdgeCache {
  const data = new TieredCacheStore(
    new MemoryCacheStore(options.memory),
    new KvCacheStore(kv, { cacheTtlSeconds: DATA_CACHE_TTL_SECONDS }),
    { nearTtlSeconds: options.nearTtlSeconds ?? DEFAULT_NEAR_TTL_SECONDS },
  );
  const generations = new CollectionGenerations(
    new KvCacheStore(kv, { cacheTtlSeconds: GENERATION_CACHE_TTL_SECONDS }),
    { onError: options.onError, ...options.generations },
  );
  return { data, generations };
}
