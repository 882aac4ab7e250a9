/** Serving list and view responses through the read cache, with `x-edgebase-cache`, ETags and 304s. */
import type { Context, MiddlewareHandler } from "hono";
import { type CacheValue, cached, createEdgeCache, type EdgeCache } from "../cache";
import type { CollectionStore } from "../collections/store";
import { findCollection, type RecordDeps } from "../records/deps";
import {
  bumpCollections,
  type CacheableRead,
  isCacheableRead,
  type ReadCacheOptions,
  readCacheKey,
  readCacheTtl,
} from "../records/read-cache";
import { ifMatchSatisfied } from "../records/record-json";
import type { AppEnv } from "./context";
import { deferOf } from "./rule-context";

/** The app's read cache: its settings and the isolate's edge cache (built on first use). */
export interface ReadCache {
  options: ReadCacheOptions;
  /** The isolate's edge cache, or undefined when there is no KV binding to hold it. */
  edge(): EdgeCache | undefined;
}

/** A loaded response body with its ETag. */
// A type alias (not an interface) so it is a CacheValue and can be stored as is.
export type Loaded = {
  body: CacheValue;
  etag: string;
};

/**
 * Builds the app's read cache over the KV namespace `kv()` returns (looked up on first use, since bindings
 * are only reachable per request), or undefined when caching is off.
 */
export function createReadCache(
  options: ReadCacheOptions | false | undefined,
  kv: () => KVNamespace | undefined,
  onError: (error: unknown) => void,
): ReadCache | undefined {
  if (options === false) return undefined;
  const settings = options ?? {};
  let edge: EdgeCache | undefined;
  return {
    options: settings,
    edge() {
      if (edge) return edge;
      const namespace = kv();
      if (!namespace) return undefined;
      const now = settings.now;
      edge = createEdgeCache(namespace, { onError, memory: { now }, generations: { now } });
      return edge;
    },
  };
}

/**
 * Answers a list or view: from the cache when the read is cacheable (see isCacheableRead), else straight
 * from `load`. Sets `x-edgebase-cache: hit|miss|bypass` and the ETag, and answers 304 when If-None-Match
 * names it (authenticated reads too: a 304 tells the client nothing it does not have).
 *
 * Replica lag: a miss loads on the primary, never on a replica, so what is stored under a generation is at
 * least as new as every write that generation covers (the generation is read before the load).
 */
export async function serveRead(
  c: Context<AppEnv>,
  readCache: ReadCache | undefined,
  deps: RecordDeps,
  collectionName: string,
  read: CacheableRead,
  load: (deps: RecordDeps) => Promise<Loaded>,
): Promise<Response> {
  const plan = readCache ? await planRead(c, readCache, deps, collectionName, read) : undefined;
  // Set before loading so an error response (404, 400) says it too.
  c.header("x-edgebase-cache", plan ? "miss" : "bypass");
  let loaded: Loaded;
  let status: "hit" | "miss" | "bypass" = "bypass";
  if (plan && readCache) {
    const defer = deferOf(c) ?? ((p: Promise<unknown>) => void p.catch(() => {}));
    const fromPrimary = () => load({ ...deps, db: c.var.sessions.primary().d1 });
    const result = await cached(plan.store, plan.key, plan.ttlSeconds, fromPrimary, defer, {
      now: readCache.options.now,
      onError: (error) => c.var.log.warn("read cache failed", { error: String(error) }),
    });
    loaded = result.value;
    status = result.status;
  } else {
    loaded = await load(deps);
  }
  c.header("x-edgebase-cache", status);
  c.header("ETag", loaded.etag);
  const ifNoneMatch = c.req.header("if-none-match");
  if (ifNoneMatch && ifMatchSatisfied(ifNoneMatch, loaded.etag)) return c.body(null, 304);
  return c.json(loaded.body as object);
}

interface ReadPlan {
  store: EdgeCache["data"];
  key: string;
  ttlSeconds: number;
}

async function planRead(
  c: Context<AppEnv>,
  readCache: ReadCache,
  deps: RecordDeps,
  collectionName: string,
  read: CacheableRead,
): Promise<ReadPlan | undefined> {
  const caller = { guest: !c.var.auth, authorization: c.req.header("authorization") !== undefined };
  if (!caller.guest || caller.authorization) return undefined;
  const edge = readCache.edge();
  if (!edge) return undefined;
  const { collection } = await findCollection(deps, collectionName);
  if (!isCacheableRead(collection, read, caller)) return undefined;
  const ttlSeconds = readCacheTtl(readCache.options, collection);
  if (ttlSeconds === null) return undefined;
  let generation: string;
  try {
    generation = await edge.generations.current(collection.id);
  } catch (error) {
    // Without a generation the entry could be stale past the bound: skip the cache for this request.
    c.var.log.warn("read cache generation unavailable", { error: String(error) });
    return undefined;
  }
  return { store: edge.data, key: await readCacheKey(collection, generation, read), ttlSeconds };
}

/**
 * Middleware for the collections admin API: after a successful schema change or truncate, bumps the
 * generation of the collection it named (resolved before the change, since a delete removes it), or of
 * every collection for an import.
 */
export function bumpOnSchemaChange(
  readCache: ReadCache | undefined,
  store: CollectionStore,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    // ["", "api", "collections", name, "truncate"?]: record routes and collection creation change no cache.
    const [, , , named, action, ...rest] = c.req.path.split("/");
    const schemaWrite = ["PATCH", "PUT", "DELETE"].includes(c.req.method) && rest.length === 0;
    if (!readCache || !named || !schemaWrite || (action !== undefined && action !== "truncate"))
      return next();
    const before = await store.snapshot(c.var.sessions.primary().d1).catch(() => undefined);
    const name = safeDecode(named);
    const targets =
      name === "import" ? (before?.collections.map((x) => x.id) ?? []) : [before?.find(name)?.id ?? name];
    await next();
    if (c.res.status >= 300) return;
    const generations = readCache.edge()?.generations;
    const written = bumpCollections(generations, targets).catch(() => {});
    deferOf(c)?.(written);
  };
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
