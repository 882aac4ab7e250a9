/** The DDL planner: from (old definition, new definition) to the SQL that brings the table in step. */

import { quoteIdent } from "../db/sql";
import { badRequest } from "../lib/errors";
import type { Collection, ViewCollection } from "./collection";
import { conversionProblem, convertExpression } from "./convert";
import { columnOf, type Field } from "./fields";
import { parseIndex } from "./index-sql";

/** Prefix of the scratch table a rebuild copies rows into. */
const REBUILD_PREFIX = "_edgebase_rebuild_";

/** `CREATE TABLE` for a base or auth collection. */
export function createTableSql(name: string, fields: readonly Field[]): string {
  const cols = fields.map((f) => `${quoteIdent(f.name)} ${columnOf(f)}`).join(", ");
  return `CREATE TABLE ${quoteIdent(name)} (${cols})`;
}

/** The index name inside a stored (canonical) index statement. */
export function indexName(sql: string): string {
  return parseIndex(sql, (n) => n).name;
}

function createView(view: { name: string; viewQuery: string }): string {
  return `CREATE VIEW ${quoteIdent(view.name)} AS ${view.viewQuery}`;
}

function dropObject(c: Collection): string {
  return c.type === "view" ? `DROP VIEW IF EXISTS ${quoteIdent(c.name)}` : `DROP TABLE ${quoteIdent(c.name)}`;
}

/**
 * Plans the statements for a change: `old` null creates, `next` null drops, both set alters. `views` are the
 * other view collections; structural changes drop and recreate them around the change, because SQLite refuses
 * to rename or drop objects a view depends on.
 */
export function planSchemaChange(
  old: Collection | null,
  next: Collection | null,
  views: readonly ViewCollection[] = [],
): string[] {
  if (!old && !next) return [];
  if (!old && next) return planCreate(next);
  if (old && !next) return wrapViews([dropObject(old)], views);
  const o = old as Collection;
  const n = next as Collection;
  if (o.type === "view" || n.type === "view") {
    const same = o.type === "view" && n.type === "view" && o.name === n.name && o.viewQuery === n.viewQuery;
    return same ? [] : [dropObject(o), ...planCreate(n)];
  }
  const { statements, structural } = planTableChange(o, n);
  return structural ? wrapViews(statements, views) : statements;
}

function planCreate(c: Collection): string[] {
  if (c.type === "view") return [createView(c)];
  return [createTableSql(c.name, c.fields), ...c.indexes];
}

function wrapViews(statements: string[], views: readonly ViewCollection[]): string[] {
  if (views.length === 0) return statements;
  return [
    ...views.map((v) => `DROP VIEW IF EXISTS ${quoteIdent(v.name)}`),
    ...statements,
    ...views.map(createView),
  ];
}

function planTableChange(old: Collection, next: Collection): { statements: string[]; structural: boolean } {
  const oldById = new Map(old.fields.map((f) => [f.id, f]));
  const newIds = new Set(next.fields.map((f) => f.id));
  const removed = old.fields.filter((f) => !newIds.has(f.id));
  const kept = next.fields.filter((f) => oldById.has(f.id));
  const added = next.fields.filter((f) => !oldById.has(f.id));
  const renamed = kept.filter((f) => oldById.get(f.id)?.name !== f.name);
  const keptOldNames = new Set(kept.map((f) => oldById.get(f.id)?.name.toLowerCase()));

  const needsRebuild =
    kept.some((f) => {
      const before = oldById.get(f.id) as Field;
      return before.type !== f.type || columnOf(before) !== columnOf(f);
    }) ||
    // A rename onto a name another kept column still holds (a swap) cannot be done column by column.
    // So can a rename that only changes case: SQLite compares column names case-insensitively.
    renamed.some((f) => keptOldNames.has(f.name.toLowerCase()));

  const statements: string[] = [];
  const renamedTable = old.name !== next.name;
  if (needsRebuild) {
    statements.push(...rebuild(old, next, oldById));
    statements.push(...next.indexes);
    return { statements, structural: true };
  }
  const oldIndexes = new Set(old.indexes);
  const newIndexes = new Set(next.indexes);
  for (const sql of old.indexes) {
    if (!newIndexes.has(sql)) statements.push(`DROP INDEX IF EXISTS ${quoteIdent(indexName(sql))}`);
  }
  if (renamedTable) statements.push(...renameTable(old.name, next.name));
  const table = quoteIdent(next.name);
  for (const f of removed) statements.push(`ALTER TABLE ${table} DROP COLUMN ${quoteIdent(f.name)}`);
  for (const f of renamed) {
    const from = oldById.get(f.id) as Field;
    statements.push(`ALTER TABLE ${table} RENAME COLUMN ${quoteIdent(from.name)} TO ${quoteIdent(f.name)}`);
  }
  for (const f of added)
    statements.push(`ALTER TABLE ${table} ADD COLUMN ${quoteIdent(f.name)} ${columnOf(f)}`);
  for (const sql of next.indexes) if (!oldIndexes.has(sql)) statements.push(sql);
  const structural = renamedTable || removed.length > 0 || renamed.length > 0;
  return { statements, structural };
}

function renameTable(from: string, to: string): string[] {
  if (from.toLowerCase() !== to.toLowerCase())
    return [`ALTER TABLE ${quoteIdent(from)} RENAME TO ${quoteIdent(to)}`];
  // SQLite compares table names case-insensitively, so a case-only rename goes through a scratch name.
  const scratch = `${REBUILD_PREFIX}${to}`;
  return [
    `ALTER TABLE ${quoteIdent(from)} RENAME TO ${quoteIdent(scratch)}`,
    `ALTER TABLE ${quoteIdent(scratch)} RENAME TO ${quoteIdent(to)}`,
  ];
}

function rebuild(old: Collection, next: Collection, oldById: Map<string, Field>): string[] {
  const scratch = `${REBUILD_PREFIX}${next.name}`;
  const targets: string[] = [];
  const sources: string[] = [];
  next.fields.forEach((f, i) => {
    const before = oldById.get(f.id);
    if (!before) return;
    const expr = convertExpression(before, f, quoteIdent(before.name));
    if (expr === undefined) {
      throw badRequest("Failed to validate the submitted data.", {
        [`fields.${i}.type`]: {
          code: "validation_field_type_change",
          message: conversionProblem(before, f) ?? "Cannot convert the field.",
        },
      });
    }
    targets.push(quoteIdent(f.name));
    sources.push(expr);
  });
  return [
    createTableSql(scratch, next.fields),
    `INSERT INTO ${quoteIdent(scratch)} (${targets.join(", ")}) SELECT ${sources.join(", ")} FROM ${quoteIdent(old.name)}`,
    `DROP TABLE ${quoteIdent(old.name)}`,
    `ALTER TABLE ${quoteIdent(scratch)} RENAME TO ${quoteIdent(next.name)}`,
  ];
}
