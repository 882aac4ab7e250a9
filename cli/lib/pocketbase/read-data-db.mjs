/**
 * Reads a PocketBase `pb_data/data.db` (v0.23+) with Node's built-in `node:sqlite`, read-only: collections in
 * PocketBase's JSON shape, and records page by page. Refuses what it cannot read faithfully.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { CliError, EXIT } from "../errors.mjs";

/** The newest PocketBase core migration this importer knows (v0.29-era `normalize_indexes`). */
export const NEWEST_KNOWN_MIGRATION = 1778828400;
/** Core migrations are Go files named `<unix time>_<name>.go`. */
const CORE_MIGRATION = /^(\d{10})_[\w.]+\.go$/;
const SQLITE_MAGIC = "SQLite format 3\0";

/**
 * @typedef {{ id: string, name: string, type: string, system: boolean, fields: any[], indexes: string[],
 *   listRule: string|null, viewRule: string|null, createRule: string|null, updateRule: string|null,
 *   deleteRule: string|null, [option: string]: unknown }} PbCollection
 */

/**
 * Opens `<dir>/data.db` after checking it exists, is SQLite, and is a PocketBase ≥ 0.23 database this importer
 * knows. Every failure is an input error (exit 2) raised before anything is written anywhere.
 * @param {string} dir the pb_data directory
 */
export function openPocketBase(dir) {
  const file = join(dir, "data.db");
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw new CliError(`No PocketBase database at ${file} (pass the pb_data directory).`, EXIT.input);
  }
  const head = readFileSync(file).subarray(0, 16).toString("latin1");
  if (head !== SQLITE_MAGIC) throw new CliError(`${file} is not a SQLite database (corrupt?).`, EXIT.input);
  /** @type {DatabaseSync} */
  let db;
  try {
    db = new DatabaseSync(file, { readOnly: true });
    const check = db.prepare("PRAGMA quick_check").all();
    if (check.length !== 1 || check[0]?.quick_check !== "ok")
      throw new Error(JSON.stringify(check.slice(0, 3)));
  } catch (error) {
    throw new CliError(`${file} is corrupt: ${error instanceof Error ? error.message : error}`, EXIT.input);
  }
  const columns = new Set(
    db
      .prepare("SELECT name FROM pragma_table_info('_collections')")
      .all()
      .map((r) => r.name),
  );
  if (columns.size === 0)
    throw new CliError(`${file} has no _collections table: not a PocketBase database.`, EXIT.input);
  if (!columns.has("fields")) {
    throw new CliError(
      `${file} is from PocketBase before v0.23 (no _collections.fields): upgrade it with PocketBase first.`,
      EXIT.input,
    );
  }
  const migrations = db
    .prepare("SELECT file FROM _migrations")
    .all()
    .map((r) => String(r.file));
  const newer = migrations.filter((f) => Number(CORE_MIGRATION.exec(f)?.[1] ?? 0) > NEWEST_KNOWN_MIGRATION);
  if (newer.length > 0) {
    throw new CliError(
      `${file} was migrated by a newer PocketBase than this importer knows (${newer[0]}); update Edgebase.`,
      EXIT.input,
    );
  }
  return new PocketBaseData(db, dir);
}

/** An open PocketBase database. */
export class PocketBaseData {
  /**
   * @param {DatabaseSync} db
   * @param {string} dir
   */
  constructor(db, dir) {
    this.db = db;
    this.dir = dir;
  }

  /** @returns {PbCollection[]} every collection, system ones included, in creation order. */
  collections() {
    const rows = this.db.prepare("SELECT * FROM _collections ORDER BY created, id").all();
    return rows.map((row) => {
      const parse = (/** @type {unknown} */ text, /** @type {string} */ what) => {
        try {
          return JSON.parse(String(text ?? ""));
        } catch {
          throw new CliError(`Collection ${row.name}: its ${what} is not valid JSON (corrupt?).`, EXIT.input);
        }
      };
      return {
        ...parse(row.options || "{}", "options"),
        id: String(row.id),
        name: String(row.name),
        type: String(row.type),
        system: Boolean(row.system),
        fields: parse(row.fields, "fields"),
        indexes: parse(row.indexes, "indexes"),
        listRule: row.listRule ?? null,
        viewRule: row.viewRule ?? null,
        createRule: row.createRule ?? null,
        updateRule: row.updateRule ?? null,
        deleteRule: row.deleteRule ?? null,
      };
    });
  }

  /**
   * @param {string} table
   * @returns {number}
   */
  count(table) {
    return Number(
      this.db.prepare(`SELECT count(*) AS n FROM "${table.replaceAll('"', '""')}"`).get()?.n ?? 0,
    );
  }

  /**
   * Records of `table` in id order, `size` at a time.
   * @param {string} table
   * @param {number} size
   * @returns {Generator<Record<string, unknown>[]>}
   */
  *pages(table, size) {
    const stmt = this.db.prepare(
      `SELECT * FROM "${table.replaceAll('"', '""')}" WHERE id > ? ORDER BY id LIMIT ?`,
    );
    let after = "";
    for (;;) {
      const rows = stmt.all(after, size);
      if (rows.length === 0) return;
      yield rows;
      after = String(rows.at(-1)?.id);
    }
  }

  close() {
    this.db.close();
  }
}
