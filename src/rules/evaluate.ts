/** evaluateFilter: the same AST evaluated in JS against a plain record, with SQLite's comparison semantics. */
import type { BaseOperator, FilterExpr, IdentifierNode, Operand } from "./ast";
import { baseOperator, isAnyOf } from "./ast";
import type { RuleContext } from "./context";
import { RuleLimitError } from "./errors";
import type { JsOperand } from "./eval-operand";
import { boundJs, exprJs, readIdentifier, readOperand } from "./eval-operand";
import type { EvalResult, EvaluateOptions, NeedsSql } from "./evaluate-types";
import { changedSides, equalityForm, likePattern, submittedList } from "./semantics";
import type { Typed } from "./sqlite-values";
import { compare, InexactRealText, realNumber, sqlLike, toText } from "./sqlite-values";

export type { EvalResult, EvaluateOptions, EvalValue, NeedsSql } from "./evaluate-types";

const EMPTY_TEXT: Typed = { v: "", aff: "none" };

/**
 * Evaluates a parsed filter against `record` (field name → decoded value; arrays are multi-valued fields).
 * Agrees with compileFilter + D1 on every filter it answers, given the column types the collections engine
 * uses (TEXT for strings, NUMERIC/BOOLEAN for numbers and bools, JSON arrays for lists).
 *
 * It returns NeedsSql, never a guess, where the answer needs the database:
 * - a relation path (`author.name` where `author` holds an id), a back-relation, or a field missing from the
 *   record; `@collection.*`; an `@request.auth.*` path through a relation of the auth record;
 * - and where JS cannot reproduce SQLite exactly: a strftime format/modifier it does not implement (or
 *   'now', which SQL reads from its own clock), a REAL that must become text but needs 17 digits.
 * `a || b` and `a && b` still short-circuit around such operands. Without a schema a JSON field compared as
 * a whole is read by its decoded JS value (an array as a list, a string as text, not as JSON text): pass
 * `options.resolve` for JSON fields when that differs from what the FieldResolver compiles.
 */
export function evaluateFilter(
  expr: FilterExpr,
  record: Record<string, unknown>,
  ctx: RuleContext,
  options: EvaluateOptions = {},
): EvalResult {
  try {
    return new Evaluator(record, ctx, options).filter(expr);
  } catch (error) {
    if (error instanceof InexactRealText) {
      return { needsSql: true, reason: `the text of the real number ${error.message} depends on SQLite` };
    }
    throw error;
  }
}

/** Type guard for the NeedsSql result. */
export function needsSql(result: EvalResult): result is NeedsSql {
  return typeof result === "object";
}

class Evaluator {
  #record: Record<string, unknown>;
  #ctx: RuleContext;
  #options: EvaluateOptions;
  #cost = 0;

  constructor(record: Record<string, unknown>, ctx: RuleContext, options: EvaluateOptions) {
    this.#record = record;
    this.#ctx = ctx;
    this.#options = options;
  }

  filter(node: FilterExpr): EvalResult {
    if (node.type === "comparison") {
      const result = this.#compare(baseOperator(node.op), isAnyOf(node.op), node.left, node.right);
      return typeof result === "object" && result !== null ? result : result === true;
    }
    // SQL's three-valued AND/OR equals two-valued logic here: the language has no NOT over a group.
    const decisive = node.op === "||";
    const left = this.filter(node.left);
    if (left === decisive) return decisive;
    const right = this.filter(node.right);
    if (right === decisive) return decisive;
    if (needsSql(left)) return left;
    if (needsSql(right)) return right;
    return !decisive;
  }

  #compare(
    op: BaseOperator,
    anyOf: boolean,
    leftNode: Operand,
    rightNode: Operand,
  ): boolean | null | NeedsSql {
    const left = this.#operand(leftNode);
    if ("needsSql" in left) return left;
    const right = this.#operand(rightNode);
    if ("needsSql" in right) return right;
    if (left.items === null && right.items === null) {
      this.#charge(op, left, right);
      return scalarCompare(op, left, right, rightNode.pos);
    }
    const lefts = perItem(left);
    const rights = perItem(right);
    let any = false;
    let all = true;
    for (const l of lefts) {
      for (const r of rights) {
        this.#charge(op, l, r);
        const ok = scalarCompare(op, l, r, rightNode.pos) === true;
        any ||= ok;
        all &&= ok;
      }
    }
    return anyOf ? any : all;
  }

  /** Adds one comparison's cost (see EvaluateOptions.maxCost) and stops the evaluation past the budget. */
  #charge(op: BaseOperator, left: JsOperand, right: JsOperand): void {
    const max = this.#options.maxCost;
    if (max === undefined) return;
    const l = sizeOf(left.value.v);
    const r = right.bound ? sizeOf(right.bound.value) : sizeOf(right.value.v);
    this.#cost += op === "~" || op === "!~" ? (l + 1) * (r + 1) : l + r + 1;
    if (this.#cost > max) throw new RuleLimitError("the filter is too costly for this record");
  }

  #operand(node: Operand): JsOperand | NeedsSql {
    if (node.type === "identifier" && node.modifier === "changed") return this.#changed(node);
    return readOperand(node, this.#record, this.#ctx, this.#options);
  }

  #changed(node: IdentifierNode): JsOperand | NeedsSql {
    const sides = changedSides(node, this.#ctx.body);
    if (sides === null) return boundJs(0);
    const { bodyNode, fieldNode } = sides;
    const field = readIdentifier(fieldNode, this.#record, this.#ctx, this.#options);
    if ("needsSql" in field) return field;
    if (field.list !== undefined) {
      const body = readIdentifier(bodyNode, this.#record, this.#ctx, this.#options);
      if ("needsSql" in body) return body;
      const changed = submittedList("raw" in body ? body.raw : null) !== JSON.stringify(field.list);
      return exprJs({ num: changed ? 1 : 0, int: true });
    }
    const neq = this.#compare("!=", false, bodyNode, fieldNode);
    if (typeof neq === "object" && neq !== null) return neq;
    return exprJs({ num: neq === true ? 1 : 0, int: true });
  }
}

/** A value's size for the cost budget: a text's length, a few steps for anything else. */
function sizeOf(value: unknown): number {
  return typeof value === "string" ? value.length : 8;
}

/** The per-item operands of a side: each item (a single NULL for an empty list), or the side itself. */
function perItem(side: JsOperand): JsOperand[] {
  if (side.items === null) return [side];
  const items = side.items.length === 0 ? [{ v: null, aff: "none" } as Typed] : side.items;
  return items.map((value) => {
    const item: JsOperand = { items: null, value, emptiness: "unknown" };
    return side.zero === undefined ? item : { ...item, zero: side.zero };
  });
}

function scalarCompare(op: BaseOperator, left: JsOperand, right: JsOperand, pos: number): boolean | null {
  switch (op) {
    case "=":
    case "!=":
      return equality(op === "=", left, right);
    case "~":
    case "!~": {
      let matched: boolean | null;
      if (right.bound) {
        matched = sqlLike(left.value.v, likePattern(right.bound.value, pos));
      } else {
        const text = toText(right.value.v);
        matched = text === null ? null : sqlLike(left.value.v, `%${text}%`);
      }
      return matched === null || op === "~" ? matched : !matched;
    }
    default:
      return compare(op, left.value, right.value);
  }
}

function equality(equal: boolean, left: JsOperand, right: JsOperand): boolean | null {
  const eq = equal ? "=" : "IS NOT";
  switch (equalityForm(left.emptiness, right.emptiness)) {
    case "both-empty":
      return equal;
    case "direct": {
      const l = left.emptiness === "empty" ? EMPTY_TEXT : left.value;
      const r = right.emptiness === "empty" ? EMPTY_TEXT : right.value;
      return compare(eq, l, r);
    }
    case "left-empty":
      return zeroMatch(equal, right);
    case "right-empty":
      return zeroMatch(equal, left);
    case "coalesce":
      return compare(eq, coalesce(left.value), coalesce(right.value));
  }
}

function zeroMatch(equal: boolean, x: JsOperand): boolean {
  const zero: Typed | undefined =
    x.zero === undefined
      ? undefined
      : { v: typeof x.zero === "number" ? realNumber(x.zero) : x.zero, aff: "none" };
  if (equal) {
    return (
      compare("=", x.value, EMPTY_TEXT) === true ||
      x.value.v === null ||
      (zero !== undefined && compare("=", x.value, zero) === true)
    );
  }
  return (
    compare("IS NOT", x.value, EMPTY_TEXT) === true &&
    x.value.v !== null &&
    (zero === undefined || compare("IS NOT", x.value, zero) === true)
  );
}

function coalesce(value: Typed): Typed {
  return { v: value.v === null ? "" : value.v, aff: "none" };
}
