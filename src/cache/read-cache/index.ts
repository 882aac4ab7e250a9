/** The read cache of public record reads: policy, keys, fill budget, generation bumps and serving. */
export { bumpCollections, generationSink, schemaGenerationSink } from "./bumps";
export { FILL_WINDOW_MS, FillBudget, MAX_BUDGET_COLLECTIONS } from "./fill-budget";
export {
  type CollectionCacheOptions,
  DEFAULT_MAX_FILLS_PER_MINUTE,
  DEFAULT_READ_CACHE_TTL_SECONDS,
  type ReadCacheOptions,
  readCacheTtl,
} from "./options";
export { type CacheableRead, isCacheableRead, type ReadCaller, readCacheKey } from "./policy";
export {
  createReadCache,
  type Loaded,
  type ReadCache,
  type ReadRequest,
  type ReadStatus,
  readThrough,
} from "./read-cache";
