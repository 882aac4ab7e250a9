/**
 * A consistent snapshot of the main database: the schema (sqlite_master) and every table's rows, read in ONE
 * D1 batch. D1 runs a batch as one transaction, so every table is read at the same instant; the price is that
 * the snapshot is held in memory, hence {@link MAX_SNAPSHOT_ROWS} (see README "Backups").
 */

import { quoteIdent } from "../../db/sql";
import { badRequest } from "../../lib/errors";

/** Most rows a backup may hold (a larger database: use D1 Time Travel or `wrangler d1 export`). */
export const MAX_SNAPSHOT_ROWS = 200_000;

/** One schema object: a table, index, view or trigger, with the SQL that creates it. */
export interface SchemaObject {
  type: "table" | "index" | "view" | "trigger";
  name: string;
  table: string;
  sql: string;
}

/** A table's rows: column names once, then each row's values in that order. */
export interface TableData {
  name: string;
  columns: string[];
  rows: unknown[][];
}

/** The schema and all rows. */
export interface Snapshot {
  schema: SchemaObject[];
  tables: TableData[];
}

/** Tables and objects that belong to SQLite or D1 itself, never backed up or dropped. */
export function isInternal(name: string): boolean {
  return /^(sqlite_|_cf_)/i.test(name) || name === "d1_migrations";
}

const SCHEMA_SQL =
  "SELECT type, name, tbl_name AS \"table\", sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 WHEN 'view' THEN 2 ELSE 3 END, name";

/** The user-visible schema objects (internal ones left out). */
export async function readSchema(db: D1Database): Promise<SchemaObject[]> {
  const { results } = await db.prepare(SCHEMA_SQL).all<SchemaObject>();
  return results.filter((o) => !isInternal(o.name) && !isInternal(o.table));
}

/** Encodes a D1 value for JSON (BLOBs as `{$blob: base64}`). */
function encodeValue(value: unknown): unknown {
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) {
    const bytes = value instanceof ArrayBuffer ? new Uint8Array(value) : new Uint8Array(value.buffer);
    let binary = "";
    for (const b of bytes) binary += String.fromCharCode(b);
    return { $blob: btoa(binary) };
  }
  if (Array.isArray(value)) return { $blob: btoa(String.fromCharCode(...(value as number[]))) };
  return value;
}

/** Reads a consistent snapshot; retries when the schema changed between the listing and the batch. */
export async function readSnapshot(db: D1Database): Promise<Snapshot> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const schema = await readSchema(db);
    const tables = schema.filter((o) => o.type === "table");
    const counts = await db.batch<{ n: number }>(
      tables.map((t) => db.prepare(`SELECT count(*) AS n FROM ${quoteIdent(t.name)}`)),
    );
    const total = counts.reduce((n, r) => n + Number(r.results[0]?.n ?? 0), 0);
    if (total > MAX_SNAPSHOT_ROWS) {
      throw badRequest(`The database holds ${total} rows; backups are limited to ${MAX_SNAPSHOT_ROWS}.`);
    }
    const results = await db.batch<Record<string, unknown>>([
      db.prepare(SCHEMA_SQL),
      ...tables.map((t) => db.prepare(`SELECT * FROM ${quoteIdent(t.name)} ORDER BY rowid`)),
    ]);
    const [schemaNow, ...rows] = results;
    const sameSchema =
      JSON.stringify(
        (schemaNow?.results ?? []).filter((o) => !isInternal(String(o.name)) && !isInternal(String(o.table))),
      ) === JSON.stringify(schema);
    if (!sameSchema) continue;
    return {
      schema,
      tables: tables.map((t, i) => {
        const list = rows[i]?.results ?? [];
        const columns = list[0] ? Object.keys(list[0]) : [];
        return { name: t.name, columns, rows: list.map((r) => columns.map((c) => encodeValue(r[c]))) };
      }),
    };
  }
  throw badRequest("The schema kept changing while the backup was taken; try again.");
}
