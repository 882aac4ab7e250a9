/** SQL expressions that convert a column's stored values when its field changes type or shape. */
import { columnOf, type Field, isMultiValued } from "./fields";

type Shape = "string" | "number" | "bool" | "json" | "list";

const STRING_TYPES = new Set(["text", "email", "url", "editor", "date", "autodate", "select", "relation"]);

function shapeOf(field: Field): Shape | undefined {
  if (isMultiValued(field)) return "list";
  if (STRING_TYPES.has(field.type)) return "string";
  if (field.type === "number") return "number";
  if (field.type === "bool") return "bool";
  if (field.type === "json" || field.type === "geoPoint") return "json";
  return undefined;
}

/** Types that accept any string without re-validation (their values cannot become invalid). */
const FREE_TEXT = new Set(["text", "editor"]);
/** Types whose values are interchangeable as stored (both UTC timestamps). */
const DATES = new Set(["date", "autodate"]);

/**
 * The SQL expression producing `to`'s value from column `col` holding `from`'s value, or undefined when the
 * change would lose or invalidate data (the caller reports a 400). Conversions are deliberately few: each one
 * keeps every existing value meaningful.
 */
export function convertExpression(from: Field, to: Field, col: string): string | undefined {
  const a = shapeOf(from);
  const b = shapeOf(to);
  if (from.type === to.type && a === b) return col;
  if (a === undefined || b === undefined) return undefined;
  const sameFamily = from.type === to.type;
  if (sameFamily && a === "string" && b === "list")
    return `CASE WHEN ${col} = '' THEN '[]' ELSE json_array(${col}) END`;
  if (sameFamily && a === "list" && b === "string") return `COALESCE(json_extract(${col}, '$[#-1]'), '')`;
  if (DATES.has(from.type) && DATES.has(to.type)) return col;
  if (FREE_TEXT.has(to.type)) {
    if (a === "string") return col;
    if (a === "number") return `CAST(${col} AS TEXT)`;
    if (a === "bool") return `CASE WHEN ${col} THEN 'true' ELSE 'false' END`;
    if (a === "json" || a === "list") return `COALESCE(CAST(${col} AS TEXT), '')`;
  }
  if (to.type === "json") {
    if (a === "string") return `json_quote(${col})`;
    if (a === "number") return `CAST(${col} AS TEXT)`;
    if (a === "bool") return `CASE WHEN ${col} THEN 'true' ELSE 'false' END`;
    if (a === "list") return col;
  }
  if (to.type === "number" && a === "bool") return `CASE WHEN ${col} THEN 1 ELSE 0 END`;
  if (to.type === "bool" && a === "number") return `CASE WHEN ${col} != 0 THEN 1 ELSE 0 END`;
  return undefined;
}

function describe(f: Field): string {
  return isMultiValued(f) ? `multiple ${f.type}` : f.type;
}

/** Why the stored values of `from` cannot become values of `to`, or undefined when they can (or need nothing). */
export function conversionProblem(from: Field, to: Field): string | undefined {
  if (from.type === to.type && columnOf(from) === columnOf(to)) return undefined;
  if (convertExpression(from, to, "v") !== undefined) return undefined;
  return `Cannot convert field "${from.name}" from ${describe(from)} to ${describe(to)} without losing data.`;
}
