/** Collection versions for optimistic concurrency: the ETag of a definition, and the If-Match check. */
import { preconditionFailed } from "../lib/errors";
import { hashEtag, ifMatchSatisfied } from "../lib/etag";
import { type Collection, type PublicCollection, toPublicCollection } from "./collection";
import type { SchemaSnapshot } from "./store";

/**
 * The ETag of a collection: a hash of its public definition, so any change to fields, rules, indexes or options
 * gives a new one (the `updated` stamp alone would not: two changes can share a millisecond).
 */
export function collectionEtag(collection: Collection | PublicCollection): Promise<string> {
  // toPublicCollection is idempotent: a definition and its public form give the same ETag.
  const pub = toPublicCollection(collection as Collection);
  return hashEtag(pub as unknown as Record<string, unknown>);
}

/** Throws 412 when `ifMatch` is given and does not name the current version of `collection`. */
export async function checkCollectionIfMatch(
  collection: Collection,
  ifMatch: string | undefined,
): Promise<void> {
  if (ifMatch && !ifMatchSatisfied(ifMatch, await collectionEtag(collection))) {
    throw preconditionFailed("The collection was changed by another request; reload it and try again.");
  }
}

/**
 * The ETag of the whole schema: its version, which every committed schema change replaces. `GET
 * /api/collections` sends it as `x-edgebase-schema-etag`; an import with `If-Match` must name it.
 */
export function schemaEtag(snapshot: SchemaSnapshot): string {
  // The stored version is itself a JSON string ("\"abc…\""); its quotes are not part of the tag.
  return `"${snapshot.version.replaceAll('"', "")}"`;
}

/** Throws 412 when `ifMatch` is given and the schema changed since the caller read `schemaEtag`. */
export function checkSchemaIfMatch(snapshot: SchemaSnapshot, ifMatch: string | undefined): void {
  if (ifMatch && !ifMatchSatisfied(ifMatch, schemaEtag(snapshot))) {
    throw preconditionFailed("The collections were changed by another request; read them again and retry.");
  }
}
