/**
 * The orphan sweep: deletes objects no record names any more. Writes put files before they commit and delete
 * replaced ones after, so a crash or an R2 failure between the steps leaves objects behind; so do deleted file
 * fields and collections. This finds and removes them; it is safe to run at any time and to re-run.
 */
import type { Collection } from "../collections/collection";
import { decodeValue } from "../collections/fields";
import type { CollectionStore } from "../collections/store";
import { type D1Like, quoteIdent } from "../db/sql";
import { deleteKeys, type FileBucket } from "../storage/bucket";
import { parseFileKey } from "../storage/keys";
import { fileFields } from "./file-access";

/** What the sweep needs: the database, the schema and the bucket. */
export interface SweepDeps {
  db: D1Like;
  store: CollectionStore;
  files: FileBucket;
}

/** Limits of one sweep run. */
export interface SweepOptions {
  /**
   * Only objects uploaded longer ago than this are considered (default 1 hour): a write puts its files before
   * its commit, so a younger object may belong to a write still in flight.
   */
  minAgeMs?: number;
  /** At most this many objects are listed per run (default 10,000); the next run starts over. */
  maxObjects?: number;
  /** Where to start listing (the `cursor` of a previous run), to walk a large bucket over several runs. */
  cursor?: string;
  /** The current time (tests). */
  now?: Date;
}

/** What one run did. */
export interface SweepResult {
  scanned: number;
  deleted: number;
  /** Set when the listing stopped at `maxObjects`: pass it to the next run. */
  cursor?: string;
}

/** Default minimum age of an object before the sweep may delete it. */
export const SWEEP_MIN_AGE_MS = 3_600_000;
const PAGE = 1000;

async function namesOf(
  deps: SweepDeps,
  collection: Collection,
  recordId: string,
): Promise<Set<string> | null> {
  const fields = fileFields(collection);
  if (fields.length === 0 || collection.type === "view") return null;
  const row = await deps.db
    .prepare(
      `SELECT ${fields.map((f) => quoteIdent(f.name)).join(", ")} FROM ${quoteIdent(collection.name)} WHERE id = ?`,
    )
    .bind(recordId)
    .first<Record<string, unknown>>();
  if (!row) return null;
  const names = new Set<string>();
  for (const field of fields) {
    const value = decodeValue(field, row[field.name]);
    for (const name of Array.isArray(value) ? value : [value]) if (name) names.add(String(name));
  }
  return names;
}

/** Deletes the objects of the bucket that no record's file field names (see module comment). */
export async function sweepOrphanFiles(deps: SweepDeps, options: SweepOptions = {}): Promise<SweepResult> {
  const cutoff = (options.now ?? new Date()).getTime() - (options.minAgeMs ?? SWEEP_MIN_AGE_MS);
  const max = options.maxObjects ?? 10_000;
  const snapshot = await deps.store.snapshot(deps.db);
  const records = new Map<string, Promise<Set<string> | null>>();
  let cursor = options.cursor;
  let scanned = 0;
  let deleted = 0;
  do {
    const page = await deps.files.list({ cursor, limit: Math.min(PAGE, max - scanned) });
    scanned += page.objects.length;
    const orphans: string[] = [];
    for (const object of page.objects) {
      if (object.uploaded.getTime() > cutoff) continue;
      const parsed = parseFileKey(object.key);
      if (!parsed) continue;
      const found = snapshot.find(parsed.collectionId);
      const collection = found?.id === parsed.collectionId ? found : undefined;
      const recordKey = `${parsed.collectionId}/${parsed.recordId}`;
      let names = records.get(recordKey);
      if (!names) {
        names = collection ? namesOf(deps, collection, parsed.recordId) : Promise.resolve(null);
        records.set(recordKey, names);
      }
      if (!(await names)?.has(parsed.filename)) orphans.push(object.key);
    }
    await deleteKeys(deps.files, orphans);
    deleted += orphans.length;
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor && scanned < max);
  return { scanned, deleted, cursor };
}

/** The `_params` key where the scheduled sweep keeps its place in the bucket between runs. */
export const SWEEP_CURSOR_KEY = "filesSweepCursor";

/**
 * One scheduled sweep run: resumes where the previous run stopped (its cursor is kept in `_params`) and stores
 * where this one stopped, so a bucket larger than one run's `maxObjects` is walked whole over several runs
 * instead of its first objects over and over.
 */
export async function sweepFromLastCursor(deps: SweepDeps, options: SweepOptions = {}): Promise<SweepResult> {
  const row = await deps.db
    .prepare("SELECT value FROM _params WHERE key = ?")
    .bind(SWEEP_CURSOR_KEY)
    .first<{ value: string }>();
  const stored = row ? (JSON.parse(row.value) as unknown) : "";
  const cursor = typeof stored === "string" && stored ? stored : undefined;
  const result = await sweepOrphanFiles(deps, { ...options, cursor });
  await deps.db
    .prepare(
      `INSERT INTO _params ("key", "value") VALUES (?, json_quote(?)) ON CONFLICT("key") DO UPDATE SET "value" = excluded."value"`,
    )
    .bind(SWEEP_CURSOR_KEY, result.cursor ?? "")
    .run();
  return result;
}
