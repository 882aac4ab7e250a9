/**
 * Restore in two phases, so that it streams and is still all or nothing:
 *  1. Staging: the archive's rows are copied, a page at a time and checked as they come (shape, count,
 *     checksum), into one internal staging table (`_eb_restore_<id>`: a row number and the row's JSON; each
 *     table's rows are one contiguous range of row numbers).
 *     The live tables are not touched; a bad archive or a failure here drops the staging table and nothing
 *     else has changed.
 *  2. Swap: ONE D1 batch (one transaction) drops the current schema, creates the backup's, fills each table
 *     with `INSERT … SELECT json_extract(…) FROM` the staging table, creates indexes, views and triggers, drops
 *     the staging table and gives the schema a new version. It completes or rolls back entirely.
 * The Worker holds one page; the database holds the data up to three times during the swap (live, staged,
 * restored), which bounds a restore to about a third of D1's database size limit.
 */
import { quoteIdent } from "../../db/sql";
import { type BlobValue, forEachRowPage, type Manifest, type OpenArchive } from "./archive";
import { readSchema, STAGE_PREFIX } from "./snapshot";

/**
 * JSON per staging statement: a page of rows goes in as ONE bound JSON array, split by `json_each` (D1 counts
 * queries per invocation, and caps a bound value near 2 MB).
 */
const STAGE_PAGE_BYTES = 1024 * 1024;

/** A row's JSON for the staging table: BLOBs re-encoded as `{hex}` (SQL can decode hex, not base64). */
function stageJson(values: unknown[], json: string, blobColumns: Set<number>): string {
  let hasBlob = false;
  const out = values.map((v, k) => {
    if (v === null || typeof v !== "object") return v;
    hasBlob = true;
    blobColumns.add(k);
    const binary = atob((v as BlobValue).$blob);
    let hex = "";
    for (let i = 0; i < binary.length; i++) hex += binary.charCodeAt(i).toString(16).padStart(2, "0");
    return { hex };
  });
  return hasBlob ? JSON.stringify(out) : json;
}

/** The SELECT list that turns a staged row back into the table's values. */
function columnExpressions(columns: readonly string[], blobColumns: Set<number>): string {
  return columns
    .map((_, k) =>
      blobColumns.has(k)
        ? `CASE WHEN json_type(r, '$[${k}]') = 'object' THEN unhex(json_extract(r, '$[${k}].hex')) ELSE json_extract(r, '$[${k}]') END`
        : `json_extract(r, '$[${k}]')`,
    )
    .join(", ");
}

/**
 * The swap batch's statements, in order, as SQL text: drop the current schema (and any staging table left by
 * an earlier, interrupted restore), create the backup's, copy each table from `stage`, version the schema.
 */
export async function swapPlan(
  db: D1Database,
  manifest: Manifest,
  stage: string,
  staged: readonly StagedTable[],
): Promise<string[]> {
  const current = await readSchema(db);
  const leftovers = await db
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE ?1 ESCAPE '\\' AND name <> ?2",
    )
    .bind(`${STAGE_PREFIX.replaceAll("_", "\\_")}%`, stage)
    .all<{ name: string }>();
  const plan: string[] = ["PRAGMA defer_foreign_keys = on"];
  for (const o of current.filter((x) => x.type === "view" || x.type === "trigger")) {
    plan.push(`DROP ${o.type.toUpperCase()} IF EXISTS ${quoteIdent(o.name)}`);
  }
  for (const o of current.filter((x) => x.type === "table"))
    plan.push(`DROP TABLE IF EXISTS ${quoteIdent(o.name)}`);
  for (const o of manifest.schema.filter((x) => x.type === "table")) plan.push(o.sql);
  for (const [i, t] of manifest.tables.entries()) {
    const s = staged[i];
    if (t.rows === 0 || !s) continue;
    plan.push(
      `INSERT INTO ${quoteIdent(t.name)} (${t.columns.map(quoteIdent).join(", ")}) SELECT ${columnExpressions(
        t.columns,
        s.blobColumns,
      )} FROM ${quoteIdent(stage)} WHERE n BETWEEN ${s.first} AND ${s.first + t.rows - 1} ORDER BY n`,
    );
  }
  for (const o of manifest.schema.filter((x) => x.type !== "table")) plan.push(o.sql);
  plan.push(`DROP TABLE ${quoteIdent(stage)}`);
  for (const { name } of leftovers.results) plan.push(`DROP TABLE IF EXISTS ${quoteIdent(name)}`);
  // A fresh schema version: every isolate reloads its collections within the usual bound.
  plan.push(
    `INSERT INTO _params ("key", "value") VALUES ('schemaVersion', json_quote(lower(hex(randomblob(8))))) ON CONFLICT("key") DO UPDATE SET "value" = excluded."value"`,
  );
  return plan;
}

/** Where a table's rows are in the staging table, and which of its columns hold BLOBs. */
export interface StagedTable {
  first: number;
  blobColumns: Set<number>;
}

/** Stages every table's rows of a validated archive (checked as they are read). */
async function stageRows(db: D1Database, archive: OpenArchive, stage: string): Promise<StagedTable[]> {
  const staged: StagedTable[] = [];
  let n = 0;
  for (const t of archive.manifest.tables) {
    const blobs = new Set<number>();
    staged.push({ first: n, blobColumns: blobs });
    await forEachRowPage(archive, t, STAGE_PAGE_BYTES, async (rows) => {
      const json = `[${rows.map((r) => stageJson(r.values, r.json, blobs)).join(",")}]`;
      await db
        .prepare(`INSERT INTO ${quoteIdent(stage)} (n, r) SELECT ?1 + key, value FROM json_each(?2)`)
        .bind(n, json)
        .run();
      n += rows.length;
    });
  }
  return staged;
}

/**
 * Restores an opened (manifest-validated) archive: stage, then swap. A failure anywhere leaves the live
 * database as it was (a 400 for a bad archive, the error otherwise) and drops the staging table.
 */
export async function restoreArchive(db: D1Database, archive: OpenArchive): Promise<void> {
  const id = [...crypto.getRandomValues(new Uint8Array(6))].map((b) => b.toString(16).padStart(2, "0"));
  const stage = `${STAGE_PREFIX}${id.join("")}`;
  await db.prepare(`CREATE TABLE ${quoteIdent(stage)} (n INTEGER PRIMARY KEY, r TEXT NOT NULL)`).run();
  try {
    const staged = await stageRows(db, archive, stage);
    const plan = await swapPlan(db, archive.manifest, stage, staged);
    await db.batch(plan.map((sql) => db.prepare(sql)));
  } catch (error) {
    try {
      await db.prepare(`DROP TABLE IF EXISTS ${quoteIdent(stage)}`).run();
    } catch {
      // Left for the next restore's swap to drop; the failure that led here is the one to report.
    }
    throw error;
  }
}
