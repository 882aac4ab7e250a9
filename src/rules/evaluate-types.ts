/** Result and option types of evaluateFilter. */
import type { IdentifierNode } from "./ast";

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
   * Arrays are multi-valued either way (items compare like json_each values).
   */
  fromColumn: boolean;
  /** The column's zero value (see ColumnResolution.zero); defaults to 0 for number and boolean values. */
  zero?: string | number;
}

/** Options of evaluateFilter. */
export interface EvaluateOptions {
  /**
   * Reads an identifier; return undefined to fall back to the default reading (record fields by path,
   * `@request.*` from the context, NeedsSql for relations and `@collection.*`).
   */
  resolve?: (identifier: IdentifierNode) => EvalValue | NeedsSql | undefined;
  /**
   * The work one evaluation may do, in character steps: a LIKE costs (text length + 1) × (pattern length + 1),
   * any other comparison the lengths of its operands plus one; each item pair of a list comparison counts.
   * Past it evaluation throws a RuleLimitError. Unlimited when absent.
   */
  maxCost?: number;
}
