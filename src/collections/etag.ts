/** Collection versions for optimistic concurrency: the ETag of a definition, and the If-Match check. */
import { preconditionFailed } from "../lib/errors";
import { hashEtag, ifMatchSatisfied } from "../lib/etag";
import { type Collection, type PublicCollection, toPublicCollection } from "./collection";

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
