/**
 * Restore: the whole database is replaced in ONE D1 batch (drop the current tables, create the backup's
 * schema, insert its rows, give the schema a new version). D1 runs a batch as one transaction, so a restore
 * either completes or leaves the database exactly as it was; a failure at any statement rolls all back.
 */
import { quoteIdent, quoteString } from "../../db/sql";
import { readSchema, type Snapshot } from "./snapshot";

/** Longest INSERT text built (D1 caps a statement at 100 KB). */
const MAX_STATEMENT_CHARS = 90_000;

/** A value as an SQL literal (values are inlined: D1's 100-parameter cap would otherwise mean one row per statement). */
export function sqlLiteral(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "NULL";
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "boolean") return value ? "1" : "0";
  if (typeof value === "string") return quoteString(value);
  if (typeof value === "object" && typeof (value as { $blob?: unknown }).$blob === "string") {
    const binary = atob((value as { $blob: string }).$blob);
    let hex = "";
    for (let i = 0; i < binary.length; i++) hex += binary.charCodeAt(i).toString(16).padStart(2, "0");
    return `X'${hex}'`;
  }
  return quoteString(JSON.stringify(value));
}

/** The INSERT statements (SQL text) of one table's rows, each under the statement size cap. */
export function insertStatements(
  table: string,
  columns: readonly string[],
  rows: readonly unknown[][],
): string[] {
  if (rows.length === 0) return [];
  const head = `INSERT INTO ${quoteIdent(table)} (${columns.map(quoteIdent).join(", ")}) VALUES `;
  const out: string[] = [];
  let current: string[] = [];
  let size = head.length;
  for (const row of rows) {
    const tuple = `(${row.map(sqlLiteral).join(", ")})`;
    if (current.length > 0 && size + tuple.length + 2 > MAX_STATEMENT_CHARS) {
      out.push(head + current.join(", "));
      current = [];
      size = head.length;
    }
    current.push(tuple);
    size += tuple.length + 2;
  }
  out.push(head + current.join(", "));
  return out;
}

/** Every statement of a restore, in order, as SQL text. */
export async function restorePlan(db: D1Database, snapshot: Snapshot): Promise<string[]> {
  const current = await readSchema(db);
  const plan: string[] = ["PRAGMA defer_foreign_keys = on"];
  for (const o of current.filter((x) => x.type === "view" || x.type === "trigger")) {
    plan.push(`DROP ${o.type.toUpperCase()} IF EXISTS ${quoteIdent(o.name)}`);
  }
  for (const o of current.filter((x) => x.type === "table"))
    plan.push(`DROP TABLE IF EXISTS ${quoteIdent(o.name)}`);
  for (const o of snapshot.schema.filter((x) => x.type === "table")) plan.push(o.sql);
  for (const t of snapshot.tables) plan.push(...insertStatements(t.name, t.columns, t.rows));
  for (const o of snapshot.schema.filter((x) => x.type !== "table")) plan.push(o.sql);
  // A fresh schema version: every isolate reloads its collections within the usual bound.
  plan.push(
    `INSERT INTO _params ("key", "value") VALUES ('schemaVersion', json_quote(lower(hex(randomblob(8))))) ON CONFLICT("key") DO UPDATE SET "value" = excluded."value"`,
  );
  return plan;
}

/** Runs a restore plan as one batch (all or nothing). */
export async function runRestore(db: D1Database, plan: readonly string[]): Promise<void> {
  await db.batch(plan.map((sql) => db.prepare(sql)));
}
