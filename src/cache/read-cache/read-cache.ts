/** The app's read cache: settings, the isolate's edge cache and fill budget, and serving a read through them. */
import type { D1Like } from "../../db/sql";
import type { Logger } from "../../observability/logger";
import { findCollection, type RecordDeps } from "../../records/deps";
import { createEdgeCache, type EdgeCache } from "../edge-cache";
import type { WaitUntil } from "../generation";
import { cached } from "../read-through";
import type { CacheValue } from "../store";
import { FillBudget } from "./fill-budget";
import { DEFAULT_MAX_FILLS_PER_MINUTE, type ReadCacheOptions, readCacheTtl } from "./options";
import { type CacheableRead, isCacheableRead, type ReadCaller, readCacheKey } from "./policy";

/** The app's read cache: its settings, the isolate's edge cache (built on first use) and fill budget. */
export interface ReadCache {
  options: ReadCacheOptions;
  /** The isolate's edge cache, or undefined when there is no KV binding to hold it. */
  edge(): EdgeCache | undefined;
  /** Cache fills left per collection this minute. */
  fills: FillBudget;
}

/** A loaded response body with its ETag. */
// A type alias (not an interface) so it is a CacheValue and can be stored as is.
export type Loaded = {
  body: CacheValue;
  etag: string;
};

/** Where a response came from: the cache, a load that was cached, or a load the cache never saw. */
export type ReadStatus = "hit" | "miss" | "bypass";

/**
 * Builds the app's read cache over the KV namespace `kv()` returns (looked up on first use, since bindings
 * are only reachable per request), or undefined when caching is off. Options are validated here, once.
 */
export function createReadCache(
  options: ReadCacheOptions | false | undefined,
  kv: () => KVNamespace | undefined,
  onError: (error: unknown) => void,
): ReadCache | undefined {
  if (options === false) return undefined;
  const settings = options ?? {};
  const now = settings.now;
  const fills = new FillBudget(settings.maxFillsPerMinute ?? DEFAULT_MAX_FILLS_PER_MINUTE, now);
  let edge: EdgeCache | undefined;
  return {
    options: settings,
    fills,
    edge() {
      if (edge) return edge;
      const namespace = kv();
      if (!namespace) return undefined;
      edge = createEdgeCache(namespace, { onError, memory: { now }, generations: { now } });
      return edge;
    },
  };
}

/** One read as the cache sees it. */
export interface ReadRequest {
  caller: ReadCaller;
  collectionName: string;
  read: CacheableRead;
  /** The request's records deps (its D1 session may be a replica). */
  deps: RecordDeps;
  /** The primary database: misses load there. */
  primary: () => D1Like;
  defer: WaitUntil | undefined;
  log: Logger;
}

/**
 * Loads a read through the cache when it is cacheable (see isCacheableRead), else straight from `load`.
 * `planned` is called once the answer is known to go through the cache, before loading, so an error
 * response (404, 400) can say so too.
 *
 * Replica lag: a miss loads on the primary, never on a replica, so what is stored under a generation is at
 * least as new as every write that generation covers (the generation is read before the load).
 */
export async function readThrough(
  readCache: ReadCache | undefined,
  request: ReadRequest,
  load: (deps: RecordDeps) => Promise<Loaded>,
  planned: () => void = () => {},
): Promise<{ loaded: Loaded; status: ReadStatus }> {
  const plan = readCache ? await planRead(readCache, request) : undefined;
  if (!plan || !readCache) return { loaded: await load(request.deps), status: "bypass" };
  planned();
  const { deps, log } = request;
  const defer = request.defer ?? ((p: Promise<unknown>) => void p.catch(() => {}));
  const fromPrimary = () => load({ ...deps, db: request.primary() });
  const result = await cached(plan.store, plan.key, plan.ttlSeconds, fromPrimary, defer, {
    now: readCache.options.now,
    onError: (error) => log.warn("read cache failed", { error: String(error) }),
    mayStore: () => readCache.fills.take(plan.collectionId),
  });
  return { loaded: result.value, status: result.status };
}

interface ReadPlan {
  store: EdgeCache["data"];
  key: string;
  ttlSeconds: number;
  collectionId: string;
}

async function planRead(readCache: ReadCache, request: ReadRequest): Promise<ReadPlan | undefined> {
  const { caller, read, log } = request;
  if (!caller.guest || caller.authorization) return undefined;
  const edge = readCache.edge();
  if (!edge) return undefined;
  const { collection } = await findCollection(request.deps, request.collectionName);
  if (!isCacheableRead(collection, read, caller)) return undefined;
  const ttlSeconds = readCacheTtl(readCache.options, collection);
  if (ttlSeconds === null) return undefined;
  let generation: string;
  try {
    generation = await edge.generations.current(collection.id);
  } catch (error) {
    // Without a generation the entry could be stale past the bound: skip the cache for this request.
    log.warn("read cache generation unavailable", { error: String(error) });
    return undefined;
  }
  const key = await readCacheKey(collection, generation, read);
  return { store: edge.data, key, ttlSeconds, collectionId: collection.id };
}
