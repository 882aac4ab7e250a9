/** SQL of one UPDATE column: a bound value, or an atomic increment / list modifier that enforces its field's limits. */
import type { Field } from "../collections/fields";
import { quoteIdent } from "../db/sql";
import { type CheckKind, checkFailure } from "./guard";
import type { ColumnValue } from "./write-values";

/** The right-hand side of `column = …` and its parameters. */
export interface SetExpression {
  sql: string;
  params: unknown[];
}

/** Wraps `expr` (bound as `v`) so the statement fails with a tagged error when a check holds. */
function checked(expr: string, checks: [string, CheckKind][], field: Field): string {
  if (checks.length === 0) return expr;
  const whens = checks.map(([cond, kind]) => `WHEN ${cond} THEN ${checkFailure(kind, field.name)}`).join(" ");
  return `(SELECT CASE ${whens} ELSE v END FROM (SELECT ${expr} AS v))`;
}

function numberChecks(field: Field): [string, CheckKind][] {
  if (field.type !== "number") return [];
  const checks: [string, CheckKind][] = [];
  // min/max are our own schema constants (numbers), inlined to keep within the parameter cap.
  if (field.min !== null) checks.push([`v < ${Number(field.min)}`, "min"]);
  if (field.max !== null) checks.push([`v > ${Number(field.max)}`, "max"]);
  if (field.required) checks.push(["v = 0", "required"]);
  return checks;
}

function listChecks(field: Field): [string, CheckKind][] {
  if (field.type !== "select" && field.type !== "relation" && field.type !== "file") return [];
  const checks: [string, CheckKind][] = [
    [`json_array_length(v) > ${Math.trunc(field.maxSelect)}`, "too_many"],
  ];
  const min = field.type === "relation" ? Math.trunc(field.minSelect ?? 0) : 0;
  if (min > 0) checks.push([`json_array_length(v) BETWEEN 1 AND ${min - 1}`, "not_enough"]);
  if (field.required) checks.push(["json_array_length(v) = 0", "required"]);
  return checks;
}

/**
 * The expression that sets `field` on the row aliased `alias`. Increments and list modifiers read the stored
 * value in the statement itself, so concurrent ones all apply (no read-modify-write, no conflict); a result
 * that breaks the field's limits (min/max, maxSelect, required) fails the statement with a tag that
 * guard.ts turns into the field's 400.
 */
export function setExpression(field: Field, column: ColumnValue, alias: string): SetExpression {
  if ("value" in column) return { sql: "?", params: [column.value] };
  const stored = `${alias}.${quoteIdent(field.name)}`;
  if ("increment" in column) {
    return { sql: checked(`${stored} + ?`, numberChecks(field), field), params: [column.increment] };
  }
  const list = `COALESCE(NULLIF(${stored}, ''), '[]')`;
  const items = JSON.stringify(column.items);
  let expr: string;
  let params: unknown[];
  if (column.list === "remove") {
    expr = `(SELECT json_group_array(s.value) FROM (SELECT j.value, j.key FROM json_each(${list}) j WHERE j.value NOT IN (SELECT r.value FROM json_each(?) r) ORDER BY j.key) s)`;
    params = [items];
  } else {
    // Kept order: the first part's items, then the second part's items not already present (no duplicates).
    const [first, second] = column.list === "append" ? [list, "?"] : ["?", list];
    expr =
      `(SELECT json_group_array(s.value) FROM (SELECT value FROM (` +
      `SELECT a.value, 0 AS g, a.key AS k FROM json_each(${first}) a UNION ALL ` +
      `SELECT b.value, 1, b.key FROM json_each(${second}) b WHERE b.value NOT IN (SELECT c.value FROM json_each(${first}) c)` +
      `) ORDER BY g, k) s)`;
    params = column.list === "append" ? [items] : [items, items];
  }
  return { sql: checked(expr, listChecks(field), field), params };
}
