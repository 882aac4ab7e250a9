/**
 * Tracked deletions: objects a committed change orphaned (a dropped file field or collection, a truncate, a record
 * delete whose R2 call failed), kept as rows of `_fileDeletions` (migration 0008) until R2 has deleted them. Rows
 * are written in the same D1 batch as the change where possible, drained in the background after it, and
 * retried by the files cron (ops/crons/builtin.ts) for as long as R2 keeps failing.
 */
import type { D1Like } from "../db/sql";
import { deleteKeys, type FileBucket } from "./bucket";
import { parseFileKey, thumbPrefix } from "./keys";

/** One deletion to track: an object key (its thumbs go with it) or, with `prefix`, every object under a prefix. */
export interface DeletionTarget {
  target: string;
  prefix: boolean;
}

/** Limits of one drain. */
export interface DrainOptions {
  /** At most this many rows are taken (default 100). */
  maxRows?: number;
  /** At most this many objects are listed under prefixes (default 5,000); a prefix row resumes later. */
  maxObjects?: number;
}

/** What one drain did. */
export interface DrainResult {
  /** Rows whose objects are all gone (the rows are deleted). */
  done: number;
  /** Rows whose R2 calls failed (kept, with `attempts` and `lastError`, for the next drain). */
  failed: number;
  /** True when rows were left for a later drain (budget or failures). */
  pending: boolean;
}

interface Row {
  id: number;
  target: string;
  prefix: number;
  before: number;
  cursor: string;
}

const INSERT = "INSERT INTO _fileDeletions (target, prefix, before) VALUES (?, ?, ?)";
/** R2 lists and deletes at most this many keys per call. */
const PAGE = 1000;
/** Longest error message kept on a row. */
const MAX_ERROR_LENGTH = 300;

/** The statement tracking one deletion, for a batch with the change that orphans its objects. */
export function trackDeletionStatement(
  db: D1Like,
  target: DeletionTarget,
  before: number,
): D1PreparedStatement {
  return db.prepare(INSERT).bind(target.target, target.prefix ? 1 : 0, before);
}

/**
 * The statement tracking one object per row of `select`, a query with a `target` column of object keys; `?1` in
 * it is bound to `before`. Lets a change track every file a column holds without reading them into the Worker.
 */
export function trackSelectStatement(db: D1Like, select: string, before: number): D1PreparedStatement {
  return db
    .prepare(`INSERT INTO _fileDeletions (target, prefix, before) SELECT target, 0, ?1 FROM (${select})`)
    .bind(before);
}

/** Tracks `targets` (one batch); used when an immediate delete failed after its change had committed. */
export async function trackDeletions(
  db: D1Like,
  targets: readonly DeletionTarget[],
  before: number,
): Promise<void> {
  if (targets.length === 0) return;
  await db.batch(targets.map((t) => trackDeletionStatement(db, t, before)));
}

/** Where one row's listing stopped: undefined when everything under it was handled. */
type Progress = { cursor: string } | undefined;

/** Deletes the objects under `prefix` uploaded before `before`, from `cursor`, within `budget` listed objects. */
async function deleteUnder(
  bucket: FileBucket,
  prefix: string,
  before: number,
  cursor: string,
  budget: { left: number },
): Promise<Progress> {
  let next = cursor || undefined;
  for (;;) {
    if (budget.left <= 0) return { cursor: next ?? "" };
    const page = await bucket.list({ prefix, cursor: next, limit: Math.min(PAGE, budget.left) });
    budget.left -= page.objects.length;
    const keys = page.objects.filter((o) => o.uploaded.getTime() < before).map((o) => o.key);
    if (keys.length > 0) await bucket.delete(keys);
    if (!page.truncated) return undefined;
    next = page.cursor;
  }
}

/** Deletes the objects of one row (a plain row's key went in bulk before: see drainDeletions). */
async function runRow(bucket: FileBucket, row: Row, budget: { left: number }): Promise<Progress> {
  if (row.prefix) return deleteUnder(bucket, row.target, row.before, row.cursor, budget);
  const parsed = parseFileKey(row.target);
  if (!parsed) return undefined;
  // Thumbs are made on request, possibly after `before`: all of them go.
  const thumbs = thumbPrefix(parsed.collectionId, parsed.recordId, parsed.filename);
  return deleteUnder(bucket, thumbs, Number.POSITIVE_INFINITY, row.cursor, budget);
}

/** Counts a failed attempt on a row and keeps the error (R2's messages name no secret; capped in length). */
function failure(db: D1Like, id: number, err: unknown): D1PreparedStatement {
  const message = (err instanceof Error ? err.message : String(err)).slice(0, MAX_ERROR_LENGTH);
  return db
    .prepare("UPDATE _fileDeletions SET attempts = attempts + 1, lastError = ? WHERE id = ?")
    .bind(message, id);
}

/**
 * Deletes the objects of pending rows (fewest attempts first, then oldest) and the rows that are done. A failed
 * R2 call keeps its row with one more attempt and the error; a row cut short by the budget keeps its cursor.
 * Safe to run concurrently with itself: deleting an object twice is not an error.
 */
export async function drainDeletions(
  db: D1Like,
  bucket: FileBucket,
  options: DrainOptions = {},
): Promise<DrainResult> {
  const maxRows = options.maxRows ?? 100;
  const budget = { left: options.maxObjects ?? 5000 };
  const { results } = await db
    .prepare("SELECT id, target, prefix, before, cursor FROM _fileDeletions ORDER BY attempts, id LIMIT ?")
    .bind(maxRows)
    .all<Row>();
  const updates: D1PreparedStatement[] = [];
  let done = 0;
  let failed = 0;
  let pending = results.length === maxRows;
  // Plain keys first in bulk (one R2 call per 1,000): the common case of a dropped field's many files.
  const plain = results.filter((r) => !r.prefix);
  const bulkFailed = new Set<number>();
  for (let i = 0; i < plain.length; i += PAGE) {
    const chunk = plain.slice(i, i + PAGE);
    try {
      await deleteKeys(
        bucket,
        chunk.map((r) => r.target),
      );
    } catch (err) {
      for (const r of chunk) {
        bulkFailed.add(r.id);
        updates.push(failure(db, r.id, err));
      }
    }
  }
  for (const row of results) {
    if (bulkFailed.has(row.id)) {
      failed++;
      continue;
    }
    try {
      const progress = await runRow(bucket, row, budget);
      if (progress) {
        pending = true;
        updates.push(
          db.prepare("UPDATE _fileDeletions SET cursor = ? WHERE id = ?").bind(progress.cursor, row.id),
        );
      } else {
        done++;
        updates.push(db.prepare("DELETE FROM _fileDeletions WHERE id = ?").bind(row.id));
      }
    } catch (err) {
      failed++;
      pending = true;
      updates.push(failure(db, row.id, err));
    }
  }
  if (failed > 0) pending = true;
  if (updates.length > 0) await db.batch(updates);
  return { done, failed, pending };
}
