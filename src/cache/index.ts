/** The cache module: a store port with KV and memory adapters, keys, collection generations, read-through (the records read cache is ./read-cache). */
export {
  createEdgeCache,
  DEFAULT_NEAR_TTL_SECONDS,
  type EdgeCache,
  type EdgeCacheOptions,
} from "./edge-cache";
export {
  CollectionGenerations,
  DEFAULT_GENERATION_TTL_SECONDS,
  DEFAULT_LOCAL_TTL_MS,
  DEFAULT_MIN_WRITE_INTERVAL_MS,
  type GenerationOptions,
  INITIAL_GENERATION,
  type WaitUntil,
} from "./generation";
export { CACHE_KEY_PREFIX, cacheKey, collectionDataKey, generationKey, type KeyPart } from "./keys";
export { KV_MIN_CACHE_TTL, KV_MIN_EXPIRATION_TTL, KvCacheStore, type KvCacheStoreOptions } from "./kv-store";
export { MemoryCacheStore, type MemoryCacheStoreOptions } from "./memory-store";
export { type Cached, type CachedOptions, type CacheStatus, cached } from "./read-through";
export {
  type CacheSetOptions,
  type CacheStore,
  type CacheValue,
  type JsonValue,
  MAX_KEY_BYTES,
} from "./store";
export { TieredCacheStore, type TieredCacheStoreOptions } from "./tiered-store";
