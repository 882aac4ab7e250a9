/** Capabilities: delete a collection (refused while referenced) and truncate its records. */

import { quoteIdent } from "../db/sql";
import { badRequest, notFound } from "../lib/errors";
import { type CollectionDeps, changeSchema, drainInBackground } from "./apply";
import type { Collection } from "./collection";
import { emitSchemaChange } from "./events";
import { truncateDeletions } from "./file-deletions";
import { relationsTo } from "./relations";
import { idOrNameSchema } from "./save-collection";
import type { SchemaSnapshot } from "./store";

/** Relation fields of other collections that point at `target`, as `collection.field`. */
export function referencesTo(target: Collection, collections: readonly Collection[]): string[] {
  return relationsTo(target, collections)
    .filter((r) => r.source.id !== target.id)
    .map((r) => `${r.source.name}.${r.field.name}`);
}

function findOr404(snapshot: SchemaSnapshot, idOrName: unknown): Collection {
  const parsed = idOrNameSchema.safeParse(idOrName);
  const found = parsed.success ? snapshot.find(parsed.data) : undefined;
  if (!found) throw notFound();
  return found;
}

/** Deletes a collection and its table. 400 for system collections and collections other relations use. */
export async function deleteCollection(deps: CollectionDeps, idOrName: unknown): Promise<void> {
  await changeSchema(deps, async (snapshot) => {
    const existing = findOr404(snapshot, idOrName);
    if (existing.system) {
      throw badRequest("System collections cannot be deleted.");
    }
    const refs = referencesTo(existing, snapshot.collections);
    if (refs.length > 0) {
      throw badRequest(
        `The collection is referenced by ${refs.join(", ")}; remove those relation fields first.`,
        {
          name: { code: "validation_collection_in_use", message: `Referenced by ${refs.join(", ")}.` },
        },
      );
    }
    return { changes: [{ old: existing, next: null }], result: undefined };
  });
}

/**
 * Deletes every record of a collection, keeping its definition; their files are tracked in the same batch and
 * deleted in the background. Views cannot be truncated.
 */
export async function truncateCollection(deps: CollectionDeps, idOrName: unknown): Promise<void> {
  // The latest definitions: the tracking statements name the file columns the table has now.
  const snapshot = await deps.store.load(deps.db);
  const existing = findOr404(snapshot, idOrName);
  if (existing.type === "view") throw badRequest("View collections cannot be truncated.");
  const deletions = truncateDeletions(deps.db, existing, Date.now());
  await deps.db.batch([...deletions, deps.db.prepare(`DELETE FROM ${quoteIdent(existing.name)}`)]);
  if (deletions.length > 0) drainInBackground(deps);
  emitSchemaChange(deps, { kind: "truncate", collectionIds: [existing.id] });
}
