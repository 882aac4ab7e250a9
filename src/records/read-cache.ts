/** Read-cache decisions for records: which guest reads may be cached, for how long, under which key; bumps on writes. */
import { type CollectionGenerations, collectionDataKey } from "../cache";
import type { Collection } from "../collections/collection";
import type { ChangeSink } from "./events";
import type { ListParams, ViewParams } from "./query-params";

/** Default staleness bound of a cached list or view response, in seconds. */
export const DEFAULT_READ_CACHE_TTL_SECONDS = 60;

/** Per-collection read-cache settings: a staleness bound, or `false` to never cache the collection. */
export type CollectionCacheOptions = { ttlSeconds?: number } | false;

/** Read-cache settings (`EdgebaseOptions.cache`). */
export interface ReadCacheOptions {
  /** Staleness bound of every cached response, in seconds. Default {@link DEFAULT_READ_CACHE_TTL_SECONDS}. */
  ttlSeconds?: number;
  /** Overrides per collection, by name or id. */
  collections?: Record<string, CollectionCacheOptions>;
  /** Clock in milliseconds, for tests (entry ages, generations, the isolate's memory level). */
  now?: () => number;
}

/** Who is reading, as far as caching cares. */
export interface ReadCaller {
  /** True when no auth record was resolved for the request. */
  guest: boolean;
  /** True when the request carried an Authorization header (even one that did not authenticate). */
  authorization: boolean;
}

/** A list or view read the cache may answer. */
export type CacheableRead =
  | { kind: "list"; params: ListParams }
  | { kind: "view"; id: string; params: ViewParams };

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

// A client filter or sort that may read other collections (relation paths, back-relations, @collection)
// or the request (@request, @now): the collection's generation does not cover it, so it is not cached.
// Deliberately coarse: a dot or `@` inside a string literal also bypasses, which is only a lost hit.
const OTHER_SOURCES = /[@.]|_via_/;

/**
 * Whether a read may be served from and stored in the shared cache: the caller is a guest who sent no
 * Authorization header, the rule for the read is exactly public (`""`), and the response depends on nothing
 * but the collection's own rows. View collections, expanded responses, filters or sorts through relations and random sorts
 * are never cached (they read other collections, or must differ per request).
 */
export function isCacheableRead(collection: Collection, read: CacheableRead, caller: ReadCaller): boolean {
  if (!caller.guest || caller.authorization) return false;
  // A view collection's rows come from other collections, whose writes do not bump its generation.
  if (collection.type === "view") return false;
  const rule = read.kind === "list" ? collection.listRule : collection.viewRule;
  if (rule !== "") return false;
  if (read.params.expand.length > 0) return false;
  if (read.kind === "view") return true;
  if (OTHER_SOURCES.test(read.params.filter)) return false;
  return read.params.sort.every((t) => t.kind === "rowid" || (t.kind === "field" && !t.path.includes(".")));
}

/**
 * The cache key of a read at a collection generation. The parsed parameters are the normalized query:
 * defaults filled in, unknown parameters dropped, so equivalent URLs share one entry.
 */
export function readCacheKey(
  collection: Collection,
  generation: string,
  read: CacheableRead,
): Promise<string> {
  const query = JSON.stringify(read.params);
  const parts = read.kind === "list" ? ["list", query] : ["view", read.id, query];
  return collectionDataKey(collection.id, generation, parts);
}

/**
 * A ChangeSink that bumps the generation of every collection a committed change touched (cascades included).
 * The bump is synchronous, so the writing isolate's next read misses; the returned promise covers the
 * coalesced store write, so run it under `waitUntil` (emitChanges does).
 */
export function generationSink(generations: () => CollectionGenerations | undefined): ChangeSink {
  return {
    emit(events) {
      return bumpCollections(
        generations(),
        events.map((e) => e.collection.id),
      );
    },
  };
}

/** Bumps each collection once; resolves when the (coalesced) store writes have finished. */
export function bumpCollections(
  generations: CollectionGenerations | undefined,
  collectionIds: Iterable<string>,
): Promise<void> {
  if (!generations) return Promise.resolve();
  const writes: Promise<unknown>[] = [];
  for (const id of new Set(collectionIds)) generations.bump(id, (p) => writes.push(p));
  return Promise.all(writes).then(() => {});
}
