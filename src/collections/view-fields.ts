/**
 * A view collection's fields, inferred from its query as PocketBase does: a column taken from a collection's
 * field is a copy of that field (text, number, bool, date, relation, …), a collection's `id` is a single
 * relation to it, `count()`/`total()` and `CAST(… AS type)` are numbers, text or bools, anything else is json.
 */
import type { D1Like } from "../db/sql";
import type { Collection } from "./collection";
import type { ValidationErrors } from "./errors";
import { type Field, fieldSchema } from "./fields";
import { NAME_PATTERN } from "./names";
import { fieldIdFor, idField } from "./system-fields";
import { checkViewQuery, normalizeViewQuery, viewColumns } from "./view-query";
import { parseViewSelect, type SelectIdentifier } from "./view-select";

const CAST = /^cast\s*\(.*\s+as\s+(\w+)\s*\)$/is;

/** A field of `type` named `name` with the type's defaults, plus `options`. */
function plain(type: Field["type"], name: string, options: Record<string, unknown> = {}): Field {
  return fieldSchema.parse({ id: "", name, type, ...options });
}

/** The field a cast or aggregate produces, or undefined when `expression` is neither. */
function computedField(expression: string, name: string): Field | undefined {
  const lower = expression.toLowerCase();
  if (lower.startsWith("count(")) return plain("number", name, { onlyInt: true });
  if (lower.startsWith("total(")) return plain("number", name);
  const cast = CAST.exec(lower)?.[1];
  if (cast === "real" || cast === "decimal" || cast === "numeric") return plain("number", name);
  if (cast === "int" || cast === "integer") return plain("number", name, { onlyInt: true });
  if (cast === "text") return plain("text", name);
  if (cast === "boolean" || cast === "bool") return plain("bool", name);
  return undefined;
}

/** The field `name` reads from `source` (a copy renamed, or a relation for its id). */
function sourcedField(source: Collection, fieldName: string, name: string): Field | undefined {
  if (fieldName.toLowerCase() === "id") {
    return plain("relation", name, { collectionId: source.id, maxSelect: 1 });
  }
  const original = source.fields.find((f) => f.name.toLowerCase() === fieldName.toLowerCase());
  return original ? ({ ...original, name, system: false } as Field) : undefined;
}

/**
 * Infers the fields of a view whose query produces `columns` (as the database reports them), given the
 * other collections. A column keeps the id of the previous definition's field of the same name and type,
 * so saving the same view again changes nothing.
 */
export function inferViewFields(
  query: string,
  columns: readonly string[],
  others: readonly Collection[],
  existing?: Collection,
): Field[] {
  const { columns: selected, tables } = parseViewSelect(query);
  const byAlias = new Map<string, Collection>();
  for (const table of tables) {
    const found = others.find((c) => c.name.toLowerCase() === table.original.toLowerCase());
    if (found && !byAlias.has(table.alias.toLowerCase())) byAlias.set(table.alias.toLowerCase(), found);
  }
  const main = tables[0] && byAlias.get(tables[0].alias.toLowerCase());
  const fromColumn = (col: SelectIdentifier): Field | undefined => {
    const computed = computedField(col.original, col.alias);
    if (computed) return computed;
    const parts = col.original.split(".");
    if (parts.length > 2 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(parts.at(-1) as string)) return undefined;
    const source = parts.length === 2 ? byAlias.get((parts[0] as string).toLowerCase()) : main;
    return source && sourcedField(source, parts.at(-1) as string, col.alias);
  };
  // `*` and `t.*` columns: a reported column is looked up in the starred tables, main table first.
  const starred = selected.flatMap((col) => {
    if (col.original === "*") return [...new Set(byAlias.values())];
    const table = /^(.+)\.\*$/.exec(col.original)?.[1];
    const found = table && byAlias.get(table.toLowerCase());
    return found ? [found] : [];
  });

  return columns.map((name): Field => {
    if (name === "id") return { ...idField(), primaryKey: false };
    const col =
      selected.find((c) => c.alias === name) ??
      selected.find((c) => c.alias.toLowerCase() === name.toLowerCase());
    let field = col ? fromColumn(col) : undefined;
    for (const source of col ? [] : starred) {
      field ??= sourcedField(source, name, name);
    }
    field ??= plain("json", name);
    const previous = existing?.fields.find((f) => f.name === name);
    const id =
      previous?.type === field.type
        ? previous.id
        : field.type === "json"
          ? `json_${name}`
          : fieldIdFor(field.type, name, "view");
    return {
      ...field,
      id,
      hidden: field.hidden || (previous?.type === field.type && previous.hidden),
    } as Field;
  });
}

/** Where a view's fields are inferred: the other collections, and the definition being replaced. */
export interface ViewFieldsContext {
  others: readonly Collection[];
  existing?: Collection | undefined;
}

/**
 * Checks a view query, runs it without rows for its columns and infers their fields. Problems are recorded at
 * `path` (the collection's `viewQuery`, or dry-run's `query`); the list is then empty or partial.
 */
export async function prepareViewFields(
  db: D1Like,
  query: string,
  ctx: ViewFieldsContext,
  errors: ValidationErrors,
  path = "viewQuery",
): Promise<Field[]> {
  const problem = checkViewQuery(query);
  if (problem) {
    errors.add(path, "validation_invalid_view_query", problem);
    return [];
  }
  const normalized = normalizeViewQuery(query);
  let columns: string[];
  try {
    columns = await viewColumns(db, normalized);
  } catch (err) {
    const message =
      err instanceof Error ? err.message.replace(/^.*?D1_ERROR:\s*/s, "").replace(/:\s*SQLITE_.*$/s, "") : "";
    errors.add(path, "validation_invalid_view_query", `The view query failed: ${message.slice(0, 200)}`);
    return [];
  }
  if (!columns.includes("id")) {
    errors.add(path, "validation_invalid_view_query", "The view query must return an id column.");
  }
  const seen = new Set<string>();
  for (const col of columns) {
    if (!NAME_PATTERN.test(col) || seen.has(col.toLowerCase())) {
      errors.add(
        path,
        "validation_invalid_view_query",
        `Give column "${col}" a unique alias made of letters, digits and _.`,
      );
    }
    seen.add(col.toLowerCase());
  }
  return inferViewFields(normalized, columns, ctx.others, ctx.existing);
}
