/** Capabilities: create and update a collection (validated, DDL and row in one atomic batch). */

import { z } from "zod";
import { badRequest, notFound } from "../lib/errors";
import { parseInput } from "../lib/parse-input";
import { formatTimestamp } from "../lib/time";
import { type CollectionDeps, changeSchema } from "./apply";
import { type PublicCollection, toPublicCollection } from "./collection";
import { checkCollectionIfMatch } from "./etag";
import { prepareCollection } from "./prepare";
import { sameDefinition } from "./same-definition";

/** A collection id or name as it appears in a URL. */
export const idOrNameSchema = z.string().min(1).max(100);

/** Input of {@link updateCollection}: the collection to change and the submitted properties. */
export const updateCollectionInput = z.object({
  idOrName: idOrNameSchema,
  body: z.record(z.string(), z.unknown()),
  /** The If-Match header: the change applies only to this version of the collection (else 412). */
  ifMatch: z.string().max(1000).optional(),
});

/** The timestamp for a change made now. */
export function nowOf(deps: CollectionDeps): string {
  return formatTimestamp(deps.now?.() ?? new Date());
}

/** Creates a collection and its table; returns its public definition. */
export async function createCollection(deps: CollectionDeps, input: unknown): Promise<PublicCollection> {
  if (input === null || typeof input !== "object" || Array.isArray(input)) {
    throw badRequest("The collection must be a JSON object.");
  }
  return changeSchema(deps, async (snapshot) => {
    const next = await prepareCollection(deps.db, input, {
      existing: undefined,
      others: snapshot.collections,
      now: nowOf(deps),
    });
    return { changes: [{ old: null, next }], result: toPublicCollection(next) };
  });
}

/**
 * Applies submitted properties to a collection (fields replace the whole list); returns the result. With
 * `ifMatch`, a collection changed since the caller read it is a 412, checked on every re-plan, so two
 * read-modify-write edits can never drop each other's fields.
 */
export async function updateCollection(deps: CollectionDeps, input: unknown): Promise<PublicCollection> {
  const { idOrName, body, ifMatch } = parseInput(updateCollectionInput, input);
  return changeSchema(deps, async (snapshot) => {
    const existing = snapshot.find(idOrName);
    if (!existing) throw notFound();
    await checkCollectionIfMatch(existing, ifMatch);
    const next = await prepareCollection(deps.db, body, {
      existing,
      others: snapshot.collections.filter((c) => c.id !== existing.id),
      now: nowOf(deps),
    });
    if (sameDefinition(existing, next)) return { changes: [], result: toPublicCollection(existing) };
    return { changes: [{ old: existing, next }], result: toPublicCollection(next) };
  });
}
