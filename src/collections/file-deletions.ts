/**
 * The files a schema change or a truncate orphans, tracked in the same D1 batch as the change (storage/deletions.ts
 * deletes them): every object of a deleted collection, every file a dropped (or retyped) file field held, and
 * every file of a truncated collection. (A many-file field cannot shrink to one: convert.ts refuses it.)
 */
import { type D1Like, quoteIdent, quoteString } from "../db/sql";
import { trackDeletionStatement, trackSelectStatement } from "../storage/deletions";
import { collectionPrefix } from "../storage/keys";
import type { Collection } from "./collection";
import type { FileField } from "./fields";

function fileFieldsOf(collection: Collection): FileField[] {
  if (collection.type === "view") return [];
  return collection.fields.filter((f): f is FileField => f.type === "file");
}

/**
 * A query of the object keys (`target`) a file column holds: a JSON list or one name per row, keyed as
 * storage/keys.ts lays them out.
 */
function namesQuery(collection: Collection, field: FileField): string {
  const col = `t.${quoteIdent(field.name)}`;
  // A many-file column holds a JSON array; a one-file column a bare name (which may be valid JSON: "123").
  const list = `CASE WHEN substr(${col}, 1, 1) = '[' AND json_valid(${col}) THEN ${col} ELSE json_array(${col}) END`;
  const prefix = quoteString(collectionPrefix(collection.id));
  return `SELECT ${prefix} || t.${quoteIdent("id")} || '/' || j.value AS target FROM ${quoteIdent(collection.name)} AS t, json_each(${list}) AS j WHERE j.type = 'text' AND j.value != ''`;
}

/**
 * Statements tracking what changing `old` into `next` orphans (none for creates and views). They read the old
 * table, so they run before the change's DDL in its batch.
 */
export function schemaChangeDeletions(
  db: D1Like,
  old: Collection | null,
  next: Collection | null,
  before: number,
): D1PreparedStatement[] {
  if (!old) return [];
  const fields = fileFieldsOf(old);
  if (fields.length === 0) return [];
  if (!next) {
    // The whole prefix: thumbs and objects of file fields dropped earlier go too.
    return [trackDeletionStatement(db, { target: collectionPrefix(old.id), prefix: true }, before)];
  }
  // A field gone, or retyped (a many-file field may become text or JSON: its names stay, as plain values).
  return fields
    .filter((field) => next.fields.find((f) => f.id === field.id)?.type !== "file")
    .map((field) => trackSelectStatement(db, namesQuery(old, field), before));
}

/** Statements tracking every file of `collection`'s records, for a batch that deletes them all (truncate). */
export function truncateDeletions(db: D1Like, collection: Collection, before: number): D1PreparedStatement[] {
  return fileFieldsOf(collection).map((f) => trackSelectStatement(db, namesQuery(collection, f), before));
}
