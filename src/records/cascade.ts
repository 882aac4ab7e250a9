/** Cascades of a delete: dependants deleted (cascadeDelete) or their references cleared, in the same batch. */
import type { Collection } from "../collections/collection";
import { decodeValue, encodeValue, isMultiValued, type RelationField } from "../collections/fields";
import { relationsTo } from "../collections/relations";
import type { SchemaSnapshot } from "../collections/store";
import { quoteIdent } from "../db/sql";
import { badRequest } from "../lib/errors";
import { formatTimestamp } from "../lib/time";
import { MAX_BOUND_PARAMS } from "../rules/limits";
import type { RecordDeps } from "./deps";
import type { ChangeEvent } from "./events";
import { dependantsGuardStatement } from "./guard";
import { decodeRow } from "./record-json";

/** At most this many records may be deleted or updated by one delete's cascade. */
export const MAX_CASCADE_RECORDS = 1000;

/** The extra statements and events of a delete's cascade. */
export interface CascadePlan {
  statements: D1PreparedStatement[];
  events: ChangeEvent[];
  /** Collections the cascade writes. */
  touches: Collection[];
  /**
   * Statements to run after every other one of the delete: they abort the batch when a record still refers to
   * a deleted one, i.e. a reference written after the cascade was read (the delete is then planned again).
   */
  guards: D1PreparedStatement[];
}

interface Pending {
  collection: Collection;
  row: Record<string, unknown>;
  values: Map<string, unknown>;
}

const keyOf = (c: Collection, id: unknown) => `${c.id}:${String(id)}`;

/**
 * Plans what deleting `root` does to the records that reference it, level by level (one read batch per level):
 * cascadeDelete relations delete the dependant (and so on), others drop the id; emptying a required
 * relation is a 400 and nothing is deleted.
 */
export async function planCascade(
  deps: RecordDeps,
  snapshot: SchemaSnapshot,
  root: { collection: Collection; row: Record<string, unknown> },
): Promise<CascadePlan> {
  const deleted = new Map<string, { collection: Collection; row: Record<string, unknown> }>();
  deleted.set(keyOf(root.collection, root.row.id), root);
  const updates = new Map<string, Pending>();
  const statements: D1PreparedStatement[] = [];
  const events: ChangeEvent[] = [];
  let level = [root];
  while (level.length > 0) {
    const reads: { collection: Collection; field: RelationField; id: string }[] = [];
    const queries: D1PreparedStatement[] = [];
    for (const item of level) {
      for (const { source, field } of relationsTo(item.collection, snapshot.collections)) {
        if (source.type === "view") continue;
        const ref = { collection: source, field };
        const column = quoteIdent(ref.field.name);
        const where = isMultiValued(ref.field)
          ? `EXISTS (SELECT 1 FROM json_each(${column}) WHERE value = ?)`
          : `${column} = ?`;
        const sql = `SELECT * FROM ${quoteIdent(ref.collection.name)} WHERE ${where} LIMIT ${MAX_CASCADE_RECORDS + 1}`;
        queries.push(deps.db.prepare(sql).bind(String(item.row.id)));
        reads.push({ ...ref, id: String(item.row.id) });
      }
    }
    if (queries.length === 0) break;
    const results = await deps.db.batch<Record<string, unknown>>(queries);
    const next: typeof level = [];
    results.forEach((result, i) => {
      const { collection, field, id } = reads[i] as (typeof reads)[number];
      for (const row of result.results) {
        const key = keyOf(collection, row.id);
        if (deleted.has(key)) continue;
        if (field.cascadeDelete) {
          deleted.set(key, { collection, row });
          updates.delete(key);
          next.push({ collection, row });
          continue;
        }
        const pending = updates.get(key) ?? { collection, row, values: new Map<string, unknown>() };
        const value = pending.values.has(field.name)
          ? pending.values.get(field.name)
          : decodeValue(field, row[field.name]);
        const cleared = Array.isArray(value) ? value.filter((v) => v !== id) : value === id ? "" : value;
        if (field.required && (cleared === "" || (Array.isArray(cleared) && cleared.length === 0))) {
          throw badRequest(
            "The record cannot be deleted because it is part of a required reference in another record.",
          );
        }
        pending.values.set(field.name, cleared);
        updates.set(key, pending);
      }
    });
    if (deleted.size + updates.size > MAX_CASCADE_RECORDS) {
      throw badRequest(`The delete would affect more than ${MAX_CASCADE_RECORDS} related records.`);
    }
    level = next;
  }
  for (const [key, item] of deleted) {
    if (key === keyOf(root.collection, root.row.id)) continue;
    statements.push(
      deps.db.prepare(`DELETE FROM ${quoteIdent(item.collection.name)} WHERE id = ?`).bind(item.row.id),
    );
    events.push({
      action: "delete",
      collection: item.collection,
      record: decodeRow(item.collection, item.row),
    });
  }
  const now = formatTimestamp();
  for (const [key, item] of updates) {
    if (deleted.has(key)) continue;
    const sets: string[] = [];
    const bind: unknown[] = [];
    const after = { ...item.row };
    for (const [name, value] of item.values) {
      const field = item.collection.fields.find((f) => f.name === name) as RelationField;
      sets.push(`${quoteIdent(name)} = ?`);
      const encoded = encodeValue(field, value);
      bind.push(encoded);
      after[name] = encoded;
    }
    for (const field of item.collection.fields) {
      if (field.type === "autodate" && field.onUpdate) {
        sets.push(`${quoteIdent(field.name)} = ?`);
        bind.push(now);
        after[field.name] = now;
      }
    }
    if (bind.length >= MAX_BOUND_PARAMS)
      throw badRequest("A dependent record has too many relations to update.");
    const sql = `UPDATE ${quoteIdent(item.collection.name)} SET ${sets.join(", ")} WHERE id = ?`;
    statements.push(deps.db.prepare(sql).bind(...bind, item.row.id));
    events.push({
      action: "update",
      collection: item.collection,
      record: decodeRow(item.collection, after),
      oldRecord: decodeRow(item.collection, item.row),
    });
  }
  const touches = [...new Set([...deleted.values(), ...updates.values()].map((i) => i.collection))];
  return { statements, events, touches, guards: dependantsGuards(deps, snapshot, [...deleted.values()]) };
}

/** One guard per relation into each deleted record's collection (ids chunked): no reference may remain. */
function dependantsGuards(
  deps: RecordDeps,
  snapshot: SchemaSnapshot,
  deleted: { collection: Collection; row: Record<string, unknown> }[],
): D1PreparedStatement[] {
  const byCollection = new Map<Collection, string[]>();
  for (const item of deleted) {
    const ids = byCollection.get(item.collection) ?? [];
    ids.push(String(item.row.id));
    byCollection.set(item.collection, ids);
  }
  const guards: D1PreparedStatement[] = [];
  for (const [collection, ids] of byCollection) {
    for (const { source, field } of relationsTo(collection, snapshot.collections)) {
      if (source.type === "view") continue;
      const table = quoteIdent(source.name);
      const column = quoteIdent(field.name);
      for (let start = 0; start < ids.length; start += MAX_BOUND_PARAMS) {
        const chunk = ids.slice(start, start + MAX_BOUND_PARAMS);
        const list = chunk.map(() => "?").join(", ");
        const match = isMultiValued(field)
          ? `EXISTS (SELECT 1 FROM json_each(${table}.${column}) WHERE value IN (${list}))`
          : `${table}.${column} IN (${list})`;
        guards.push(
          dependantsGuardStatement(deps.db, `EXISTS (SELECT 1 FROM ${table} WHERE ${match})`, chunk),
        );
      }
    }
  }
  return guards;
}
