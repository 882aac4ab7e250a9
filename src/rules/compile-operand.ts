/** Turns one operand into SQL: a bound value, a resolver column, or a per-item subquery (with modifiers). */
import type { FunctionNode, IdentifierNode, Operand } from "./ast";
import type { RuleContext } from "./context";
import { RuleSyntaxError } from "./errors";
import { macroValue } from "./macros";
import type { FieldResolver, Resolution, SqlFragment } from "./resolver";
import type { Emptiness } from "./semantics";
import { boundEmptiness, isBodySet, lowerBound, toBindable, valueLength } from "./semantics";
import { realNumber } from "./sqlite-values";

/** An operand compiled to SQL. */
export interface SqlOperand {
  /** True when `sql` is a SELECT yielding one row per item in column `v`; false for a scalar expression. */
  items: boolean;
  sql: string;
  params: unknown[];
  emptiness: Emptiness;
  /** Present when the operand is exactly one bound value (LIKE patterns are built from it in JS). */
  bound?: { value: string | number | null };
  zero?: string | number;
  /** For items from a resolver: the JSON array expression `:length` can use instead of COUNT. */
  arraySql?: string;
}

/** Where compiled operands report the joins their resolutions need. */
export type JoinSink = (joins: readonly SqlFragment[]) => void;

/** A bound value operand (`?`, or the NULL keyword for null). */
export function boundOperand(value: string | number | null): SqlOperand {
  return {
    items: false,
    sql: value === null ? "NULL" : "?",
    params: value === null ? [] : [value],
    emptiness: boundEmptiness(value),
    bound: { value },
  };
}

/** Compiles literals, macros, functions and identifiers other than `:changed` ones (see compile-sql.ts). */
export function compileOperand(
  operand: Operand,
  resolver: FieldResolver,
  ctx: RuleContext,
  addJoins: JoinSink,
): SqlOperand {
  switch (operand.type) {
    case "literal":
      return boundOperand(toBindable(operand.value));
    case "macro":
      return boundOperand(macroValue(operand.name, ctx.now));
    case "function":
      return compileFunction(operand, (arg) => compileOperand(arg, resolver, ctx, addJoins));
    case "identifier":
      return compileIdentifier(operand, resolver, ctx, addJoins);
  }
}

function compileIdentifier(
  node: IdentifierNode,
  resolver: FieldResolver,
  ctx: RuleContext,
  addJoins: JoinSink,
): SqlOperand {
  if (node.modifier === "isset") return boundOperand(isBodySet(ctx.body, node.path.slice(1)) ? 1 : 0);
  const resolution = resolver.resolve(node);
  if (resolution.kind !== "value" && resolution.joins) addJoins(resolution.joins);
  return applyModifier(node, fromResolution(resolution));
}

/** A resolver result as an operand, before modifiers. */
export function fromResolution(resolution: Resolution): SqlOperand & { raw?: unknown } {
  if (resolution.kind === "value") {
    const value = resolution.value;
    if (Array.isArray(value)) {
      return {
        items: true,
        sql: "SELECT value AS v FROM json_each(?)",
        params: [JSON.stringify(value)],
        emptiness: "unknown",
        raw: value,
      };
    }
    return { ...boundOperand(toBindable(value)), raw: value };
  }
  const base = {
    items: resolution.kind === "items",
    sql: resolution.sql,
    params: [...(resolution.params ?? [])],
    emptiness: "unknown" as const,
  };
  const withArray =
    resolution.kind === "items" && resolution.arraySql ? { ...base, arraySql: resolution.arraySql } : base;
  return resolution.zero === undefined ? withArray : { ...withArray, zero: resolution.zero };
}

function applyModifier(node: IdentifierNode, operand: SqlOperand & { raw?: unknown }): SqlOperand {
  switch (node.modifier) {
    case "lower":
      if (operand.bound) return boundOperand(lowerBound(operand.bound.value));
      return operand.items
        ? {
            items: true,
            sql: `SELECT LOWER(v) AS v FROM (${operand.sql})`,
            params: operand.params,
            emptiness: "unknown",
          }
        : { items: false, sql: `LOWER(${operand.sql})`, params: operand.params, emptiness: "unknown" };
    case "length":
      if ("raw" in operand) return boundOperand(valueLength(operand.raw));
      if (!operand.items) throw new RuleSyntaxError(`":length" needs a multi-valued field (at ${node.pos})`);
      return operand.arraySql
        ? { items: false, sql: `json_array_length(${operand.arraySql})`, params: [], emptiness: "unknown" }
        : {
            items: false,
            sql: `(SELECT COUNT(*) FROM (${operand.sql}))`,
            params: operand.params,
            emptiness: "unknown",
          };
    default:
      return operand;
  }
}

/** A bound value as SQLite sees it: D1 binds every JS number as a REAL. */
export function boundSqlValue(value: string | number | null) {
  return typeof value === "number" ? realNumber(value) : value;
}

function compileFunction(node: FunctionNode, compileArg: (arg: Operand) => SqlOperand): SqlOperand {
  const args = node.args.map((arg) => {
    const compiled = compileArg(arg);
    if (compiled.items) {
      throw new RuleSyntaxError(`${node.name} arguments must be single-valued (at ${arg.pos})`, arg.pos);
    }
    return compiled;
  });
  if (node.name === "strftime") {
    return {
      items: false,
      sql: `strftime(${args.map((a) => a.sql).join(", ")})`,
      params: args.flatMap((a) => a.params),
      emptiness: "unknown",
    };
  }
  const [lonA, latA, lonB, latB] = args as [SqlOperand, SqlOperand, SqlOperand, SqlOperand];
  // Haversine on a 6371 km sphere, clamped so rounding never pushes acos out of its domain (NULL).
  const parts: SqlOperand[] = [latA, latB, lonB, lonA, latA, latB];
  const [a, b, c, d, e, f] = parts.map((p) => p.sql);
  return {
    items: false,
    sql:
      `(6371 * acos(min(1, max(-1, cos(radians(${a})) * cos(radians(${b})) * cos(radians(${c}) - radians(${d}))` +
      ` + sin(radians(${e})) * sin(radians(${f}))))))`,
    params: parts.flatMap((p) => p.params),
    emptiness: "unknown",
  };
}
