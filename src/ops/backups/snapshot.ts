/**
 * A consistent snapshot of the main database, read a page at a time. D1 gives no read transaction across
 * calls (a batch is one transaction, but its whole result comes back at once), so consistency is checked
 * instead of held: for the time of the read, each table gets three triggers (after insert, update and delete)
 * that count every row written into this backup's generation row (`_eb_backup_gen`). They are created, and the
 * schema re-read, in one batch; the pages are then read, and the generation, the triggers and the schema are
 * checked every few pages and after the last one. A generation still at 0, every trigger still there and the
 * same schema mean no row was written and no table changed between the first read and the last: every page shows
 * the database at one instant. Otherwise the attempt is void ({@link SnapshotChangedError}) and the caller
 * starts over. Writes pay one extra UPDATE per row only while a backup runs; the triggers are dropped after it
 * (and, should a Worker die mid-backup, by the next backup a day later). Memory holds one page.
 */

import { quoteIdent } from "../../db/sql";

/** One schema object: a table, index, view or trigger, with the SQL that creates it. */
export interface SchemaObject {
  type: "table" | "index" | "view" | "trigger";
  name: string;
  table: string;
  sql: string;
}

/** Rows per page at first; the page then adapts to keep about {@link PAGE_BYTES} of JSON. */
const FIRST_PAGE_ROWS = 200;
const MAX_PAGE_ROWS = 5000;
/** The JSON size a page aims at (one page is what a backup holds in memory). */
export const PAGE_BYTES = 2 * 1024 * 1024;

/** Prefix of the staging tables a restore fills before it swaps them in (internal: never backed up). */
export const STAGE_PREFIX = "_eb_restore_";
/** The backups' generation table and the prefix of their triggers (internal). */
const GENERATIONS = "_eb_backup_gen";
const TRIGGER_PREFIX = "_eb_backup_";
/** Generations (and their triggers) older than this belong to a backup that died: the next backup drops them. */
const STALE_MS = 24 * 60 * 60 * 1000;
/** Pages between two consistency checks (each check is one D1 query; D1 caps queries per invocation). */
const CHECK_EVERY_PAGES = 16;

/** Objects that belong to SQLite, D1 or Edgebase's backup machinery (`_eb_`): never backed up or dropped. */
export function isInternal(name: string): boolean {
  return /^(sqlite_|_cf_|_eb_)/i.test(name) || name === "d1_migrations";
}

const SCHEMA_SQL =
  "SELECT type, name, tbl_name AS \"table\", sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 WHEN 'view' THEN 2 ELSE 3 END, name";

/** The user-visible schema objects (internal ones left out). */
export async function readSchema(db: D1Database | D1DatabaseSession): Promise<SchemaObject[]> {
  const { results } = await db.prepare(SCHEMA_SQL).all<SchemaObject>();
  return results.filter((o) => !isInternal(o.name) && !isInternal(o.table));
}

/** Encodes a D1 value for JSON (BLOBs as `{$blob: base64}`). */
function encodeValue(value: unknown): unknown {
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) {
    const bytes =
      value instanceof ArrayBuffer
        ? new Uint8Array(value)
        : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    let binary = "";
    for (const b of bytes) binary += String.fromCharCode(b);
    return { $blob: btoa(binary) };
  }
  if (Array.isArray(value)) return { $blob: btoa(String.fromCharCode(...(value as number[]))) };
  return value;
}

/** The database changed while a snapshot was read: the attempt is void. */
export class SnapshotChangedError extends Error {}

/** What a snapshot reader hands its pages to. */
export interface SnapshotSink {
  /** A table starts; `columns` are its column names in row order. */
  table(name: string, columns: string[]): Promise<void>;
  /** A page of the current table's rows, in rowid order; returns the bytes it took (to size the next page). */
  rows(rows: unknown[][]): Promise<number>;
}

/** A rowid alias the table does not shadow with a column of its own (null for WITHOUT ROWID tables). */
function rowidAlias(sql: string): string | null {
  if (/\bWITHOUT\s+ROWID\b/i.test(sql)) return null;
  for (const alias of ["_rowid_", "oid", "rowid"])
    if (!new RegExp(`\\b${alias}\\b`, "i").test(sql)) return alias;
  return "_rowid_";
}

function sameSchema(a: SchemaObject[], rows: Record<string, unknown>[]): boolean {
  const b = rows.filter((o) => !isInternal(String(o.name)) && !isInternal(String(o.table)));
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Drops the triggers and generation rows of backups that started long ago and never cleaned up. */
async function dropStale(db: D1Database, now: number): Promise<void> {
  const { results } = await db
    .prepare(`SELECT id FROM ${GENERATIONS} WHERE started < ?1`)
    .bind(now - STALE_MS)
    .all<{ id: string }>()
    .catch(() => ({ results: [] as { id: string }[] }));
  for (const { id } of results) {
    const triggers = await db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND substr(name, 1, ?1) = ?2")
      .bind(`${TRIGGER_PREFIX}${id}_`.length, `${TRIGGER_PREFIX}${id}_`)
      .all<{ name: string }>();
    await db.batch([
      ...triggers.results.map((t) => db.prepare(`DROP TRIGGER IF EXISTS ${quoteIdent(t.name)}`)),
      db.prepare(`DELETE FROM ${GENERATIONS} WHERE id = ?1`).bind(id),
    ]);
  }
}

/**
 * Reads the schema and every table's rows a page at a time into `sink`, checked to be one instant's (see the
 * module comment); returns the schema. Throws {@link SnapshotChangedError} when a write is seen.
 */
export async function readSnapshot(
  db: D1Database,
  sink: SnapshotSink,
  options: { pageRows?: number; now?: number } = {},
): Promise<{ schema: SchemaObject[] }> {
  const now = options.now ?? Date.now();
  const id = [...crypto.getRandomValues(new Uint8Array(6))]
    .map((b) => b.toString(16).padStart(2, "0"))
    .join("");
  const schema = await readSchema(db);
  const tables = schema.filter((o) => o.type === "table");
  await db
    .prepare(
      `CREATE TABLE IF NOT EXISTS ${GENERATIONS} (id TEXT PRIMARY KEY, n INTEGER NOT NULL, started INTEGER NOT NULL)`,
    )
    .run();
  await dropStale(db, now);
  const triggers = tables.flatMap((t, i) =>
    (["INSERT", "UPDATE", "DELETE"] as const).map((op) => ({
      name: `${TRIGGER_PREFIX}${id}_${i}_${op[0]?.toLowerCase()}`,
      sql: `CREATE TRIGGER ${quoteIdent(`${TRIGGER_PREFIX}${id}_${i}_${op[0]?.toLowerCase()}`)} AFTER ${op} ON ${quoteIdent(t.name)} BEGIN UPDATE ${GENERATIONS} SET n = n + 1 WHERE id = '${id}'; END`,
    })),
  );
  const countTriggers = db
    .prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'trigger' AND substr(name, 1, ?1) = ?2")
    .bind(`${TRIGGER_PREFIX}${id}_`.length, `${TRIGGER_PREFIX}${id}_`);
  const check = async () => {
    const [generation, present, schemaNow] = await db.batch<Record<string, unknown>>([
      db.prepare(`SELECT n FROM ${GENERATIONS} WHERE id = ?1`).bind(id),
      countTriggers,
      db.prepare(SCHEMA_SQL),
    ]);
    if (
      Number(generation?.results[0]?.n ?? -1) !== 0 ||
      Number(present?.results[0]?.n ?? -1) !== triggers.length ||
      !sameSchema(schema, schemaNow?.results ?? [])
    )
      throw new SnapshotChangedError("The database changed.");
  };
  try {
    const installed = await db.batch<Record<string, unknown>>([
      db.prepare(`INSERT INTO ${GENERATIONS} (id, n, started) VALUES (?1, 0, ?2)`).bind(id, now),
      ...triggers.map((t) => db.prepare(t.sql)),
      db.prepare(SCHEMA_SQL),
    ]);
    if (!sameSchema(schema, installed[installed.length - 1]?.results ?? []))
      throw new SnapshotChangedError("The schema changed.");
    let pages = 0;
    let pageRows = options.pageRows ?? FIRST_PAGE_ROWS;
    for (const t of tables) {
      const alias = rowidAlias(t.sql);
      const name = quoteIdent(t.name);
      let after: number | null = null;
      let offset = 0;
      let started = false;
      for (;;) {
        // Keyset pages (a rowid range seek each); WITHOUT ROWID tables page by offset (their scan order is the key's).
        const stmt: D1PreparedStatement =
          alias === null
            ? db.prepare(`SELECT * FROM ${name} LIMIT ?1 OFFSET ?2`).bind(pageRows, offset)
            : after === null
              ? db.prepare(`SELECT ${alias}, * FROM ${name} ORDER BY ${alias} LIMIT ?1`).bind(pageRows)
              : db
                  .prepare(`SELECT ${alias}, * FROM ${name} WHERE ${alias} > ?2 ORDER BY ${alias} LIMIT ?1`)
                  .bind(pageRows, after);
        const [head = [], ...rows]: unknown[][] = await stmt.raw({ columnNames: true });
        if (++pages % CHECK_EVERY_PAGES === 0) await check();
        const skip = alias === null ? 0 : 1;
        if (!started) {
          await sink.table(t.name, (head as string[]).slice(skip));
          started = true;
        }
        if (rows.length === 0) break;
        const page = rows.map((r) => r.slice(skip).map(encodeValue));
        if (alias !== null) after = Number(rows[rows.length - 1]?.[0]);
        offset += rows.length;
        const bytes = await sink.rows(page);
        if (rows.length < pageRows) break;
        if (options.pageRows === undefined) {
          if (bytes > PAGE_BYTES && pageRows > 10) pageRows = Math.max(10, Math.floor(pageRows / 2));
          else if (bytes < PAGE_BYTES / 4 && pageRows < MAX_PAGE_ROWS) pageRows *= 2;
        }
      }
    }
    await check();
    return { schema };
  } finally {
    try {
      await db.batch([
        ...triggers.map((t) => db.prepare(`DROP TRIGGER IF EXISTS ${quoteIdent(t.name)}`)),
        db.prepare(`DELETE FROM ${GENERATIONS} WHERE id = ?1`).bind(id),
      ]);
    } catch {
      // Left for a later backup to drop (see STALE_MS); the outcome of this one stands.
    }
  }
}
