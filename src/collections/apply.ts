/** Applies schema changes atomically: version guard, DDL, `_collections` rows and a new version, one batch. */

import type { D1Like } from "../db/sql";
import { quoteIdent } from "../db/sql";
import { badRequest, conflict } from "../lib/errors";
import { randomString } from "../lib/ids";
import type { FileBucket } from "../storage/bucket";
import { drainDeletions } from "../storage/deletions";
import type { Collection, ViewCollection } from "./collection";
import { planSchemaChange } from "./ddl";
import { emitSchemaChange, type SchemaChangeSink } from "./events";
import { schemaChangeDeletions } from "./file-deletions";
import { collectionRowValues, ROW_COLUMNS } from "./rows";
import { isVersionConflict, versionBump, versionGuard } from "./schema-version";
import { type CollectionStore, SchemaSnapshot } from "./store";

/** What a capability that changes the schema needs. */
export interface CollectionDeps {
  db: D1Like;
  store: CollectionStore;
  /** Clock for created/updated stamps (tests may pin it). */
  now?: () => Date;
  /** Hears of every committed schema change and truncate (the read cache bumps its generations). */
  schemaChanges?: SchemaChangeSink;
  /** Runs a promise after the response (ctx.waitUntil in a Worker). */
  defer?: (promise: Promise<unknown>) => void;
  /** The FILES bucket: objects a change orphans are deleted from it in the background (else by the cron). */
  files?: FileBucket;
}

/** Rows a background drain takes after a change; the files cron takes the rest (storage/deletions.ts). */
const BACKGROUND_DRAIN_ROWS = 50;

/**
 * Deletes, after the response, the objects a committed change tracked. Failures stay tracked for the cron, so
 * nothing here can fail the change.
 */
export function drainInBackground(deps: Pick<CollectionDeps, "db" | "files" | "defer">): void {
  if (!deps.files) return;
  const drained = drainDeletions(deps.db, deps.files, { maxRows: BACKGROUND_DRAIN_ROWS }).catch(() => {});
  deps.defer?.(drained);
}

/** One collection's change: `old` null creates, `next` null deletes. */
export interface SchemaChange {
  old: Collection | null;
  next: Collection | null;
}

/** How many times a change is re-planned when another change committed first. */
const MAX_ATTEMPTS = 4;

/** Raised inside a batch when the schema version moved since the snapshot was read. */
class VersionConflict extends Error {}

const UPSERT_SQL = `INSERT INTO _collections (${ROW_COLUMNS.map((c) => `"${c}"`).join(", ")}) VALUES (${ROW_COLUMNS.map(() => "?").join(", ")})
ON CONFLICT(id) DO UPDATE SET ${ROW_COLUMNS.filter((c) => c !== "id")
  .map((c) => `"${c}" = excluded."${c}"`)
  .join(", ")}`;

/**
 * Reads the latest snapshot, lets `plan` compute the changes against it, and commits them in one batch.
 * If another change committed in between (the version guard fails) the whole thing is re-planned on the
 * newer snapshot; after a few attempts the caller gets a 409. Returns what `plan` returned; `settled` hears
 * the snapshot the call ended on (the committed one, or the one a no-op change was planned on).
 */
export async function changeSchema<T>(
  deps: CollectionDeps,
  plan: (snapshot: SchemaSnapshot) => Promise<{ changes: SchemaChange[]; result: T }>,
  settled?: (snapshot: SchemaSnapshot) => void,
): Promise<T> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const snapshot = await deps.store.load(deps.db);
    const { changes, result } = await plan(snapshot);
    if (changes.length === 0) {
      settled?.(snapshot);
      return result;
    }
    try {
      const { committed, tracked } = await commitChanges(deps.db, snapshot, changes);
      deps.store.commit(committed);
      if (tracked) drainInBackground(deps);
      settled?.(committed);
      const touched = changes.flatMap((c) => [c.old?.id, c.next?.id]).filter((id) => id !== undefined);
      emitSchemaChange(deps, { kind: "schema", collectionIds: [...new Set(touched)] });
      return result;
    } catch (err) {
      if (!(err instanceof VersionConflict)) throw err;
    }
  }
  throw conflict("The collections were changed by another request; try again.");
}

async function commitChanges(db: D1Like, snapshot: SchemaSnapshot, changes: SchemaChange[]) {
  const version = JSON.stringify(randomString(16));
  const touched = new Set(changes.flatMap((c) => [c.old?.id, c.next?.id]));
  const views = snapshot.collections.filter(
    (c): c is ViewCollection => c.type === "view" && !touched.has(c.id),
  );
  const sql: D1PreparedStatement[] = [versionGuard(db, snapshot.version)];
  // Files the change orphans are tracked in its batch, read from the old tables before the DDL changes them.
  const before = Date.now();
  let tracked = 0;
  for (const change of changes) {
    const deletions = schemaChangeDeletions(db, change.old, change.next, before);
    tracked += deletions.length;
    sql.push(...deletions);
    for (const statement of planSchemaChange(change.old, change.next, views)) sql.push(db.prepare(statement));
    if (change.next) sql.push(db.prepare(UPSERT_SQL).bind(...collectionRowValues(change.next)));
    else if (change.old) {
      sql.push(db.prepare("DELETE FROM _collections WHERE id = ?").bind(change.old.id));
      sql.push(...ownedRowDeletes(db, snapshot, change.old.id));
    }
  }
  // SQLite lets a view outlive the table or column it reads; probing every view makes such a change fail instead.
  for (const view of finalViews(snapshot, changes))
    sql.push(db.prepare(`SELECT * FROM ${quoteIdent(view.name)} LIMIT 0`));
  sql.push(versionBump(db, version));
  try {
    await db.batch(sql);
  } catch (err) {
    if (isVersionConflict(err)) throw new VersionConflict();
    const message = err instanceof Error ? err.message : String(err);
    throw badRequest(`Failed to apply the schema change: ${sqliteMessage(message)}`, {}, err);
  }
  const byId = new Map(snapshot.collections.map((c) => [c.id, c]));
  for (const change of changes) {
    if (change.old) byId.delete(change.old.id);
    if (change.next) byId.set(change.next.id, change.next);
  }
  return { committed: new SchemaSnapshot(version, [...byId.values()]), tracked: tracked > 0 };
}

/**
 * Deletes of the system rows that belong to a deleted collection (`collectionRef` = its id: `_externalAuths`,
 * `_mfas`, `_otps`, `_authOrigins`), in the same batch, as PocketBase removes them: left behind, they would
 * point at records that no longer exist, and nobody could list or clean them up.
 */
function ownedRowDeletes(db: D1Like, snapshot: SchemaSnapshot, collectionId: string): D1PreparedStatement[] {
  return snapshot.collections
    .filter((c) => c.system && c.type !== "view" && c.fields.some((f) => f.name === "collectionRef"))
    .map((c) => db.prepare(`DELETE FROM ${quoteIdent(c.name)} WHERE collectionRef = ?`).bind(collectionId));
}

function finalViews(snapshot: SchemaSnapshot, changes: SchemaChange[]): ViewCollection[] {
  const byId = new Map(snapshot.collections.map((c) => [c.id, c]));
  for (const change of changes) {
    if (change.old) byId.delete(change.old.id);
    if (change.next) byId.set(change.next.id, change.next);
  }
  return [...byId.values()].filter((c): c is ViewCollection => c.type === "view");
}

/** The SQLite part of a D1 error message, without the driver's prefixes and codes. */
function sqliteMessage(message: string): string {
  return message
    .replace(/^.*?D1_ERROR:\s*/s, "")
    .replace(/:\s*SQLITE_[A-Z_]+.*$/s, "")
    .slice(0, 300);
}
