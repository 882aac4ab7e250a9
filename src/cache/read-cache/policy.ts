/** Which guest reads of records the shared cache may answer, and under which key. */
import type { Collection } from "../../collections/collection";
import type { ListParams, ViewParams } from "../../records/query-params";
import { collectionDataKey } from "../keys";

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
