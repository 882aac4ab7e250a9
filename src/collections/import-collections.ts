/** Capability: import a list of collections (create, replace, optionally delete the rest) in one batch. */

import { z } from "zod";
import { ApiError, badRequest, type ErrorData } from "../lib/errors";
import { newId } from "../lib/ids";
import { parseInput } from "../lib/parse-input";
import { type CollectionDeps, changeSchema, type SchemaChange } from "./apply";
import { blankCollection, COLLECTION_ID, type Collection } from "./collection";
import { referencesTo } from "./delete-collection";
import { checkSchemaIfMatch, schemaEtag } from "./etag";
import { POCKETBASE_SYSTEM_COLLECTIONS } from "./names";
import { prepareCollection } from "./prepare";
import { sameDefinition } from "./same-definition";
import { nowOf } from "./save-collection";
import type { SchemaSnapshot } from "./store";

/** At most this many collections per import. */
export const MAX_IMPORT = 200;

/** Input of {@link importCollections}. */
export const importCollectionsInput = z.object({
  collections: z.array(z.record(z.string(), z.unknown())).min(1).max(MAX_IMPORT),
  deleteMissing: z.boolean().default(false),
});

/** How an import is guarded and observed. */
export interface ImportOptions {
  /** The schema ETag the caller read (`x-edgebase-schema-etag`): a newer schema makes the import a 412. */
  ifMatch?: string;
  /** Hears the schema ETag the import left (the committed one, or the current one for a no-op). */
  settled?: (schemaEtag: string) => void;
}

/** What an import did, by collection name. */
export interface ImportResult {
  created: string[];
  updated: string[];
  deleted: string[];
}

/**
 * Imports collections: each is matched to an existing one by id, then by name, and replaced; new ones are
 * created; with `deleteMissing` every non-system collection not in the list is deleted. Identical definitions
 * change nothing, so importing the same JSON twice is a no-op. All changes commit in one batch or none do.
 */
export async function importCollections(
  deps: CollectionDeps,
  input: unknown,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const { collections, deleteMissing } = parseInput(importCollectionsInput, input, { root: "collections" });
  return changeSchema(
    deps,
    (snapshot) => {
      // Checked on every re-plan: an import built from an older read never replaces a newer schema.
      checkSchemaIfMatch(snapshot, options.ifMatch);
      return planImport(deps, snapshot, collections, deleteMissing);
    },
    (snapshot) => options.settled?.(schemaEtag(snapshot)),
  );
}

async function planImport(
  deps: CollectionDeps,
  snapshot: SchemaSnapshot,
  all: Record<string, unknown>[],
  deleteMissing: boolean,
): Promise<{ changes: SchemaChange[]; result: ImportResult }> {
  const now = nowOf(deps);
  // A whole PocketBase export carries PocketBase's system collections. Those Edgebase has (same names and ids)
  // are matched as any other; those it keeps as internal tables (`_otps`, `_authOrigins`) are left out.
  const items = all.filter(
    (c) =>
      !(typeof c.name === "string" && POCKETBASE_SYSTEM_COLLECTIONS.has(c.name) && !snapshot.find(c.name)),
  );
  // Errors name positions in the submitted list.
  const positions = items.map((item) => all.indexOf(item));
  const matched = items.map((item) => matchExisting(snapshot, item));
  const ids = items.map(
    (item, i) =>
      matched[i]?.id ?? (typeof item.id === "string" && COLLECTION_ID.test(item.id) ? item.id : newId()),
  );
  const importedIds = new Set(ids);
  const removed = snapshot.collections.filter((c) => deleteMissing && !c.system && !importedIds.has(c.id));
  const kept = snapshot.collections.filter((c) => !importedIds.has(c.id) && !removed.includes(c));

  // Pass 1 resolves names and ids between imported collections; pass 2 validates rules against pass 1's fields.
  const stubs = items.map((item, i) => matched[i] ?? stubOf(ids[i] as string, item));
  const first = await prepareAll(
    deps,
    items,
    positions,
    matched,
    ids,
    (i) => [...kept, ...stubs.filter((_, j) => j !== i)],
    now,
    false,
  );
  const final = await prepareAll(
    deps,
    items,
    positions,
    matched,
    ids,
    (i) => [...kept, ...first.filter((_, j) => j !== i)],
    now,
    true,
  );

  const world = [...kept, ...final];
  for (const gone of removed) {
    const refs = referencesTo(gone, world);
    if (refs.length > 0)
      throw badRequest(`Cannot delete "${gone.name}": it is referenced by ${refs.join(", ")}.`);
  }
  const result: ImportResult = { created: [], updated: [], deleted: removed.map((c) => c.name) };
  const upserts: SchemaChange[] = [];
  final.forEach((next, i) => {
    const old = matched[i] ?? null;
    if (old && sameDefinition(old, next)) return;
    (old ? result.updated : result.created).push(next.name);
    upserts.push({ old, next });
  });
  const isView = (c: SchemaChange) => (c.next ?? c.old)?.type === "view";
  const deletes = removed.map((old): SchemaChange => ({ old, next: null }));
  // Views go last when created and first when deleted: they depend on tables.
  const changes = [
    ...deletes.filter(isView),
    ...deletes.filter((c) => !isView(c)),
    ...upserts.filter((c) => !isView(c)),
    ...upserts.filter(isView),
  ];
  return { changes, result };
}

function matchExisting(snapshot: SchemaSnapshot, item: Record<string, unknown>): Collection | undefined {
  const byId = typeof item.id === "string" ? snapshot.collections.find((c) => c.id === item.id) : undefined;
  if (byId) return byId;
  return typeof item.name === "string" ? snapshot.find(item.name) : undefined;
}

function stubOf(id: string, item: Record<string, unknown>): Collection {
  return blankCollection(id, typeof item.name === "string" ? item.name : id);
}

async function prepareAll(
  deps: CollectionDeps,
  items: Record<string, unknown>[],
  positions: number[],
  matched: (Collection | undefined)[],
  ids: string[],
  othersOf: (i: number) => Collection[],
  now: string,
  checkRules: boolean,
): Promise<Collection[]> {
  const out: Collection[] = [];
  const errors: ErrorData = {};
  for (const [i, item] of items.entries()) {
    try {
      const body = matched[i] ? item : { ...item, id: ids[i] };
      out.push(
        await prepareCollection(deps.db, body, {
          existing: matched[i],
          others: othersOf(i),
          now,
          checkRules,
          addTimestamps: true,
        }),
      );
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 400) throw err;
      for (const [path, value] of Object.entries(err.data))
        errors[`collections.${positions[i]}.${path}`] = value;
    }
  }
  if (Object.keys(errors).length > 0) throw badRequest("Failed to import the collections.", errors);
  return out;
}
