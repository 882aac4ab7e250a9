/** Reads one operand for the JS evaluator, mirroring compile-operand.ts value for value. */
import type { FunctionNode, IdentifierNode, Operand } from "./ast";
import { boundSqlValue } from "./compile-operand";
import type { RuleContext } from "./context";
import { RuleSyntaxError } from "./errors";
import type { EvaluateOptions, EvalValue, NeedsSql } from "./evaluate-types";
import { macroValue } from "./macros";
import { resolveRequestValue } from "./resolver";
import type { Emptiness } from "./semantics";
import { boundEmptiness, isBodySet, lowerBound, toBindable, valueLength } from "./semantics";
import type { SqliteValue, Typed } from "./sqlite-values";
import { columnNumber, jsonNumber, realNumber, sqlLower } from "./sqlite-values";
import { sqlStrftime } from "./strftime";

/** An operand as the evaluator sees it: one typed value or a list of items (json_each semantics). */
export interface JsOperand {
  items: Typed[] | null;
  value: Typed;
  emptiness: Emptiness;
  bound?: { value: string | number | null };
  zero?: string | number;
  raw?: unknown;
  /** A record's list field as stored (for `:changed`, which compares whole lists). */
  list?: unknown[];
}

const NULL: Typed = { v: null, aff: "none" };

/** A bound value operand. */
export function boundJs(value: string | number | null): JsOperand {
  return {
    items: null,
    value: { v: boundSqlValue(value), aff: "none" },
    emptiness: boundEmptiness(value),
    bound: { value },
  };
}

/** A computed single value with no affinity (function results, counts, `:changed`). */
export function exprJs(v: SqliteValue): JsOperand {
  return { items: null, value: { v, aff: "none" }, emptiness: "unknown" };
}

/** A JSON value as json_each / json_extract return it: no affinity, booleans 1/0, containers as JSON text. */
export function jsonTyped(value: unknown): Typed {
  if (value === null || value === undefined) return NULL;
  if (typeof value === "boolean") return { v: { num: value ? 1 : 0, int: true }, aff: "none" };
  if (typeof value === "number") return { v: jsonNumber(value), aff: "none" };
  if (typeof value === "string") return { v: value, aff: "none" };
  return { v: JSON.stringify(value), aff: "none" };
}

/** A list item: a json_each value, read through a subquery column (BLOB affinity). */
function itemTyped(value: unknown): Typed {
  return { v: jsonTyped(value).v, aff: "blob" };
}

/** Reads literals, macros, functions and identifiers other than `:changed` ones (see evaluate.ts). */
export function readOperand(
  operand: Operand,
  record: Record<string, unknown>,
  ctx: RuleContext,
  options: EvaluateOptions,
): JsOperand | NeedsSql {
  switch (operand.type) {
    case "literal":
      return boundJs(toBindable(operand.value));
    case "macro":
      return boundJs(macroValue(operand.name, ctx.now));
    case "function":
      return readFunction(operand, (arg) => readOperand(arg, record, ctx, options));
    case "identifier": {
      if (operand.modifier === "isset") return boundJs(isBodySet(ctx.body, operand.path.slice(1)) ? 1 : 0);
      const read = readIdentifier(operand, record, ctx, options);
      return "needsSql" in read ? read : applyModifier(operand, read);
    }
  }
}

/** An identifier's operand before modifiers: custom resolve first, then the default reading. */
export function readIdentifier(
  node: IdentifierNode,
  record: Record<string, unknown>,
  ctx: RuleContext,
  options: EvaluateOptions,
): JsOperand | NeedsSql {
  const custom = options.resolve?.(node);
  if (custom !== undefined) return "needsSql" in custom ? custom : fromEvalValue(custom);
  if (node.scope === "collection") return { needsSql: true, reason: `${node.raw} needs a lookup` };
  if (node.scope === "request") {
    const found = resolveRequestValue(node.path, ctx);
    return found.found
      ? fromEvalValue({ value: found.value, fromColumn: false })
      : { needsSql: true, reason: found.reason };
  }
  const [head = "", ...rest] = node.path;
  if (!Object.hasOwn(record, head))
    return { needsSql: true, reason: `${node.raw} is not a field of the record` };
  let value = record[head];
  if (rest.length === 0) return fromEvalValue({ value, fromColumn: true });
  // Below a JSON object field the path reads like json_extract; below anything else it is a relation.
  for (const key of rest) {
    if (value === null || value === undefined) break;
    if (typeof value !== "object" || Array.isArray(value)) {
      return { needsSql: true, reason: `${node.raw} goes through a relation` };
    }
    value = Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : null;
  }
  const typed = jsonTyped(value);
  return { items: null, value: typed, emptiness: "unknown" };
}

/** A resolved value as an operand: arrays are items, columns get the affinity of their JS type. */
export function fromEvalValue(read: EvalValue): JsOperand {
  const { value } = read;
  if (Array.isArray(value)) {
    return {
      items: value.map(itemTyped),
      value: NULL,
      emptiness: "unknown",
      ...(read.fromColumn ? { list: value } : { raw: value }),
    };
  }
  if (!read.fromColumn) return { ...boundJs(toBindable(value)), raw: value };
  let typed: Typed;
  let zero = read.zero;
  if (value === null || value === undefined) typed = NULL;
  else if (typeof value === "string") typed = { v: value, aff: "text" };
  else if (typeof value === "number") {
    typed = { v: columnNumber(value), aff: "numeric" };
    zero ??= 0;
  } else if (typeof value === "boolean") {
    typed = { v: { num: value ? 1 : 0, int: true }, aff: "numeric" };
    zero ??= 0;
  } else typed = { v: JSON.stringify(value), aff: "text" };
  const operand: JsOperand = { items: null, value: typed, emptiness: "unknown" };
  return zero === undefined ? operand : { ...operand, zero };
}

function applyModifier(node: IdentifierNode, operand: JsOperand): JsOperand {
  switch (node.modifier) {
    case "lower": {
      if (operand.bound) return boundJs(lowerBound(operand.bound.value));
      // Lowered items are still read through a subquery column (BLOB); a lowered scalar is an expression.
      const lower =
        (aff: Typed["aff"]) =>
        (t: Typed): Typed => ({ v: sqlLower(t.v), aff });
      return {
        items: operand.items?.map(lower("blob")) ?? null,
        value: lower("none")(operand.value),
        emptiness: "unknown",
      };
    }
    case "length":
      if ("raw" in operand) return boundJs(valueLength(operand.raw));
      if (operand.items === null)
        throw new RuleSyntaxError(`":length" needs a multi-valued field (at ${node.pos})`);
      return exprJs({ num: operand.items.length, int: true });
    default:
      return operand;
  }
}

function readFunction(
  node: FunctionNode,
  readArg: (arg: Operand) => JsOperand | NeedsSql,
): JsOperand | NeedsSql {
  const args: SqliteValue[] = [];
  for (const arg of node.args) {
    const read = readArg(arg);
    if ("needsSql" in read) return read;
    if (read.items !== null) {
      throw new RuleSyntaxError(`${node.name} arguments must be single-valued (at ${arg.pos})`, arg.pos);
    }
    args.push(read.value.v);
  }
  if (node.name === "strftime") {
    const result = sqlStrftime(args);
    return result === undefined
      ? { needsSql: true, reason: "strftime with an unsupported format or modifier" }
      : exprJs(result);
  }
  const numbers = args.map(mathArg);
  if (numbers.some((n) => n === null)) return exprJs(null);
  const [lonA, latA, lonB, latB] = numbers as [number, number, number, number];
  const rad = (deg: number) => deg * (Math.PI / 180); // SQLite's radians(): x*(M_PI/180.0)
  const inner =
    Math.cos(rad(latA)) * Math.cos(rad(latB)) * Math.cos(rad(lonB) - rad(lonA)) +
    Math.sin(rad(latA)) * Math.sin(rad(latB));
  return exprJs(realNumber(6371 * Math.acos(Math.min(1, Math.max(-1, inner)))));
}

/** SQLite math functions take numbers and numeric text; anything else gives NULL. */
function mathArg(value: SqliteValue): number | null {
  if (value === null) return null;
  if (typeof value === "object") return value.num;
  const trimmed = value.trim();
  return trimmed !== "" && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(trimmed) ? Number(trimmed) : null;
}
