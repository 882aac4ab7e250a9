/** Pre-write checks that need the database: relation targets exist, auth emails are unique case-insensitively. */
import type { Collection } from "../collections/collection";
import { decodeValue, type Field } from "../collections/fields";
import type { SchemaSnapshot } from "../collections/store";
import { quoteIdent } from "../db/sql";
import { badRequest, type ErrorData } from "../lib/errors";
import { MAX_BOUND_PARAMS } from "../rules/limits";
import type { RecordDeps } from "./deps";
import { checkFailure } from "./guard";
import type { BatchState } from "./plan";
import type { ColumnValue } from "./write-values";

/** The relation ids a write sets, per field: what a read checks and what the batch's guards re-check. */
interface RelationIds {
  /** Ids to look up (those created earlier in the batch left out: they do not exist yet). */
  wanted: { field: Field; target: Collection; ids: string[] }[];
  /** Every id, for the in-batch guards (which run after the batch's earlier inserts). */
  guarded: { field: Field; target: Collection; ids: string[] }[];
}

function relationIds(
  snapshot: SchemaSnapshot,
  collection: Collection,
  columns: Map<string, ColumnValue>,
  state?: BatchState,
): RelationIds {
  const out: RelationIds = { wanted: [], guarded: [] };
  const errors: ErrorData = {};
  for (const field of collection.fields) {
    const column = columns.get(field.name);
    if (field.type !== "relation" || !column || "increment" in column) continue;
    // A list modifier adds only its own items (removing needs no target); a value names every id it holds.
    const decoded =
      "value" in column ? decodeValue(field, column.value) : column.list === "remove" ? [] : column.items;
    const ids = (Array.isArray(decoded) ? decoded : [decoded]).map(String).filter((id) => id !== "");
    const target = snapshot.find(field.collectionId);
    if (ids.length === 0) continue;
    if (!target) {
      errors[field.name] = {
        code: "validation_missing_rel_records",
        message: "The related collection no longer exists.",
      };
      continue;
    }
    out.wanted.push({ field, target, ids: ids.filter((id) => !state?.created.has(`${target.id}:${id}`)) });
    out.guarded.push({ field, target, ids: [...new Set(ids)] });
  }
  if (Object.keys(errors).length > 0) throw badRequest("Failed to validate the submitted data.", errors);
  return out;
}

/** Reads the wanted ids (one D1 batch) and throws the 400 naming every field with a missing target. */
async function verifyRelations(deps: RecordDeps, wanted: RelationIds["wanted"]): Promise<void> {
  const statements: D1PreparedStatement[] = [];
  const owners: number[] = [];
  wanted.forEach((w, i) => {
    for (let start = 0; start < w.ids.length; start += MAX_BOUND_PARAMS) {
      const chunk = w.ids.slice(start, start + MAX_BOUND_PARAMS);
      const sql = `SELECT id FROM ${quoteIdent(w.target.name)} WHERE id IN (${chunk.map(() => "?").join(", ")})`;
      statements.push(deps.db.prepare(sql).bind(...chunk));
      owners.push(i);
    }
  });
  const results = statements.length > 0 ? await deps.db.batch<{ id: string }>(statements) : [];
  const found = wanted.map(() => new Set<string>());
  results.forEach((r, i) => {
    for (const row of r.results) found[owners[i] as number]?.add(String(row.id));
  });
  const errors: ErrorData = {};
  wanted.forEach((w, i) => {
    if (w.ids.some((id) => !found[i]?.has(id))) {
      errors[w.field.name] = {
        code: "validation_missing_rel_records",
        message: "Failed to find all relation records with the provided ids.",
      };
    }
  });
  if (Object.keys(errors).length > 0) throw badRequest("Failed to validate the submitted data.", errors);
}

/** The in-batch relation guards of a write, and the read that names the failing fields once one fired. */
export interface DeferredRelationCheck {
  guards: D1PreparedStatement[];
  /** Throws the 400 naming every field whose target is missing (no-op when every target exists). */
  verify: () => Promise<void>;
}

/**
 * Guard statements that re-check, inside the write's own batch, that every relation id the write sets refers to an
 * existing record (or one created earlier in the batch, whose insert runs earlier in the same batch). A read before
 * the write alone would race a concurrent delete of a target (its cascade never sees the new reference): a guard
 * fails the batch, so the write is a 400 instead of leaving an orphan. The read that names every failing field
 * runs only after a guard fired (`verify`), which saves a D1 round trip on every write that sets a relation.
 */
export function deferRelationCheck(
  deps: RecordDeps,
  snapshot: SchemaSnapshot,
  collection: Collection,
  columns: Map<string, ColumnValue>,
  state?: BatchState,
): DeferredRelationCheck {
  const ids = relationIds(snapshot, collection, columns, state);
  return { guards: guardsOf(deps, ids), verify: () => verifyRelations(deps, ids.wanted) };
}

function guardsOf(deps: RecordDeps, ids: RelationIds): D1PreparedStatement[] {
  return ids.guarded.flatMap((g) => relationGuards(deps.db, g.field.name, g.target.name, g.ids));
}

/** Statements failing with `validation_missing_rel_records` on `fieldName` unless every id is in `table`. */
function relationGuards(
  db: RecordDeps["db"],
  fieldName: string,
  table: string,
  ids: string[],
): D1PreparedStatement[] {
  const statements: D1PreparedStatement[] = [];
  for (let start = 0; start < ids.length; start += MAX_BOUND_PARAMS) {
    const chunk = ids.slice(start, start + MAX_BOUND_PARAMS);
    const sql =
      `SELECT CASE WHEN (SELECT COUNT(*) FROM ${quoteIdent(table)} WHERE id IN (${chunk.map(() => "?").join(", ")})) ` +
      `< ${chunk.length} THEN ${checkFailure("missing_rel", fieldName)} ELSE 1 END AS ok`;
    statements.push(db.prepare(sql).bind(...chunk));
  }
  return statements;
}

/** Auth collections: an email may be used once, compared case-insensitively (the index itself is case-sensitive). */
export async function checkEmailUnique(
  deps: RecordDeps,
  collection: Collection,
  columns: Map<string, ColumnValue>,
  selfId: string,
): Promise<void> {
  const column = columns.get("email");
  if (collection.type !== "auth" || !column || !("value" in column) || column.value === "") return;
  const taken = await deps.db
    .prepare(
      `SELECT 1 AS x FROM ${quoteIdent(collection.name)} WHERE lower(email) = lower(?) AND id != ? LIMIT 1`,
    )
    .bind(column.value, selfId)
    .first();
  if (taken) {
    throw badRequest("Failed to validate the submitted data.", {
      email: { code: "validation_not_unique", message: "Value must be unique." },
    });
  }
}
