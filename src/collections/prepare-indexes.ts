/** Validates submitted index SQL against the collection's columns and rebuilds it in canonical form. */
import type { Collection } from "./collection";
import type { ValidationErrors } from "./errors";
import type { Field } from "./fields";
import { buildIndexSql, type IndexColumn, IndexSyntaxError, type ParsedIndex, parseIndex } from "./index-sql";

/** What index preparation needs to know. */
export interface IndexContext {
  id: string;
  name: string;
  /** The table's previous name (an index submitted with it is moved to the new name). */
  oldName: string | undefined;
  isAuth: boolean;
  fields: readonly Field[];
  /** The fields before this change: an index naming a renamed field's old name follows the rename. */
  oldFields: readonly Field[];
  /** The other collections, for index/table name clashes (SQLite shares one namespace). */
  others: readonly Collection[];
}

/** Parses and rebuilds every index (errors at `indexes.N`); adds the unique indexes auth collections need. */
export function prepareIndexes(
  raw: readonly string[],
  ctx: IndexContext,
  errors: ValidationErrors,
): string[] {
  const byLower = new Map(ctx.fields.map((f) => [f.name.toLowerCase(), f.name]));
  const byId = new Map(ctx.fields.map((f) => [f.id, f.name]));
  const renamed = new Map(
    ctx.oldFields.filter((f) => byId.has(f.id)).map((f) => [f.name.toLowerCase(), byId.get(f.id)]),
  );
  const column = (name: string) => byLower.get(name.toLowerCase()) ?? renamed.get(name.toLowerCase());
  const taken = new Set<string>();
  for (const other of ctx.others) {
    taken.add(other.name.toLowerCase());
    for (const sql of other.indexes) taken.add(parseIndex(sql, (n) => n).name.toLowerCase());
  }
  const parsed: ParsedIndex[] = [];
  raw.forEach((sql, i) => {
    const path = `indexes.${i}`;
    let index: ParsedIndex;
    try {
      index = parseIndex(sql, column);
    } catch (err) {
      if (!(err instanceof IndexSyntaxError)) throw err;
      errors.add(path, "validation_invalid_index", err.message);
      return;
    }
    const table = index.table.toLowerCase();
    if (table !== ctx.name.toLowerCase() && table !== ctx.oldName?.toLowerCase()) {
      errors.add(path, "validation_invalid_index", `The index must be on "${ctx.name}".`);
      return;
    }
    const lower = index.name.toLowerCase();
    if (taken.has(lower) || lower === ctx.name.toLowerCase()) {
      errors.add(path, "validation_index_name_exists", `The name "${index.name}" is already in use.`);
      return;
    }
    taken.add(lower);
    parsed.push({ ...index, table: ctx.name });
  });
  if (ctx.isAuth) {
    addUniqueIndex(parsed, taken, `idx_tokenKey_${ctx.id}`, ctx.name, { name: "tokenKey" });
    // Emails are unique whatever their case, in the database too: two sign-ups racing with `A@x` and `a@x` both
    // pass the write path's case-insensitive check, and only this index stops the second.
    const email: IndexColumn = { name: "email", fn: "lower" };
    const name = `idx_email_${ctx.id}`;
    upgradeEmailIndex(parsed, name, email);
    addUniqueIndex(parsed, taken, name, ctx.name, email, "`email` != ''");
  }
  return parsed.map((index) => buildIndexSql(index));
}

const sameColumn = (a: IndexColumn | undefined, b: IndexColumn) => a?.name === b.name && a.fn === b.fn;

/** Whether `index` is the default email index as it was before it compared lower-cased emails. */
function isPlainEmailIndex(index: ParsedIndex, name: string): boolean {
  return (
    index.name.toLowerCase() === name.toLowerCase() &&
    index.unique &&
    index.columns.length === 1 &&
    sameColumn(index.columns[0], { name: "email" })
  );
}

/** The default email index as it was before it compared lower-cased emails becomes the lower-cased one. */
function upgradeEmailIndex(parsed: ParsedIndex[], name: string, email: IndexColumn): void {
  const old = parsed.find((p) => isPlainEmailIndex(p, name));
  if (old) old.columns = [{ ...old.columns[0], ...email }];
}

/** A stored default email index to replace by its lower-cased form: its position, name and new SQL. */
export interface EmailIndexUpgrade {
  position: number;
  name: string;
  sql: string;
}

/**
 * The upgrade of a stored auth collection whose default email index is still the plain one (as versions before
 * the `lower(email)` index made it), or undefined when there is nothing to upgrade.
 */
export function plainEmailIndexUpgrade(collection: Collection): EmailIndexUpgrade | undefined {
  if (collection.type !== "auth") return undefined;
  const name = `idx_email_${collection.id}`;
  for (const [position, sql] of collection.indexes.entries()) {
    let index: ParsedIndex;
    try {
      index = parseIndex(sql, (n) => n);
    } catch {
      continue;
    }
    if (!isPlainEmailIndex(index, name)) continue;
    const upgraded = { ...index, columns: [{ ...index.columns[0], name: "email", fn: "lower" }] };
    return { position, name: index.name, sql: buildIndexSql(upgraded, collection.name) };
  }
  return undefined;
}

function addUniqueIndex(
  parsed: ParsedIndex[],
  taken: Set<string>,
  name: string,
  table: string,
  column: IndexColumn,
  where?: string,
): void {
  const covered = parsed.some((p) => p.unique && p.columns.length === 1 && sameColumn(p.columns[0], column));
  if (covered || taken.has(name.toLowerCase())) return;
  parsed.push({ name, unique: true, table, columns: [column], ...(where ? { where } : {}) });
}
