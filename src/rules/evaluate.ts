/** evaluateFilter: the same AST evaluated in JS against a plain record, with SQLite's comparison semantics. */
import type { FilterExpr, IdentifierNode } from "./ast";
import type { RuleContext } from "./context";

/** The evaluator's "I cannot answer this without the database" signal (relations, `@collection.*`). */
export interface NeedsSql {
  needsSql: true;
  /** Which identifier or construct needs SQL, for logs. */
  reason: string;
}

/** true / false, or NeedsSql when the filter cannot be decided from the record alone. */
export type EvalResult = boolean | NeedsSql;

/** An operand read by a custom evaluator resolver. */
export interface EvalValue {
  value: unknown;
  /**
   * True when the value comes from a record column (SQLite applies the column's affinity, inferred from the
   * JS type: string → TEXT, number/boolean → NUMERIC); false for bound values such as `@request.*`.
   */
  fromColumn: boolean;
}

/** Options of evaluateFilter. */
export interface EvaluateOptions {
  /**
   * Reads an identifier; return undefined to fall back to the default reading (record fields by path,
   * `@request.*` from the context, NeedsSql for relations and `@collection.*`).
   */
  resolve?: (identifier: IdentifierNode) => EvalValue | NeedsSql | undefined;
}

/**
 * Evaluates a parsed filter against `record` (field name → decoded value; arrays are multi-valued fields).
 * Agrees with compileFilter + D1 on every filter it answers. Returns NeedsSql, never a guess, when an operand
 * is a relation path (`author.name` where `author` holds an id), a back-relation, `@collection.*`, or an
 * `@request.auth.*` path through a relation; `a || b` and `a && b` still short-circuit around such operands.
 */
export function evaluateFilter(
  expr: FilterExpr,
  record: Record<string, unknown>,
  ctx: RuleContext,
  options: EvaluateOptions = {},
): EvalResult {
  void expr;
  void record;
  void ctx;
  void options;
  throw new Error("evaluateFilter: not implemented yet");
}

/** Type guard for the NeedsSql result. */
export function needsSql(result: EvalResult): result is NeedsSql {
  return typeof result === "object";
}
