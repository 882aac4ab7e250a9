/** Reading files: which record and field a requested file belongs to, and whether the caller may see it. */
import type { Collection } from "../collections/collection";
import { decodeValue, type FileField } from "../collections/fields";
import { quoteIdent } from "../db/sql";
import { ApiError, notFound } from "../lib/errors";
import { isSafeFileName } from "../storage/file-names";
import { type CollectionRef, findCollection, type RecordDeps } from "./deps";
import { readAccessible } from "./view";

/** A file as stored on a record. */
export interface FileTarget {
  ref: CollectionRef;
  field: FileField;
  recordId: string;
  filename: string;
}

/** The file fields of a collection. */
export function fileFields(collection: Collection): FileField[] {
  return collection.fields.filter((f): f is FileField => f.type === "file");
}

/**
 * Finds the record field holding `filename`; 404 for a missing collection or record and for a name the record
 * does not hold (no rule applied yet: see {@link canViewFile}).
 */
export async function findFileTarget(
  deps: Pick<RecordDeps, "db" | "store">,
  collectionName: string,
  recordId: string,
  filename: string,
): Promise<FileTarget> {
  if (!isSafeFileName(filename)) throw notFound();
  const ref = await findCollection(deps, collectionName);
  const fields = fileFields(ref.collection);
  if (fields.length === 0 || ref.collection.type === "view") throw notFound();
  const columns = fields.map((f) => quoteIdent(f.name)).join(", ");
  const row = await deps.db
    .prepare(`SELECT ${columns} FROM ${quoteIdent(ref.collection.name)} WHERE id = ?`)
    .bind(recordId)
    .first<Record<string, unknown>>();
  if (!row) throw notFound();
  const field = fields.find((f) => {
    const value = decodeValue(f, row[f.name]);
    return Array.isArray(value) ? value.includes(filename) : value === filename;
  });
  if (!field) throw notFound();
  return { ref, field, recordId, filename };
}

/** True when the caller in `deps.ctx` passes the record's viewRule (a superuser-only rule counts as a no). */
export async function canViewFile(deps: RecordDeps, target: FileTarget): Promise<boolean> {
  const rule = target.ref.collection.viewRule;
  // findFileTarget has read the row: an empty rule lets anyone see it, so the second read would only repeat it.
  if (rule === "") return true;
  try {
    return (await readAccessible(deps, target.ref, target.recordId, rule)) !== undefined;
  } catch (err) {
    if (err instanceof ApiError && err.status === 403) return false;
    throw err;
  }
}
