/** compileFilter: AST + FieldResolver → parameterized SQL with PocketBase's semantics. */
import type { FilterExpr } from "./ast";
import type { RuleContext } from "./context";
import type { FieldResolver, SqlFragment } from "./resolver";

/** The WHERE term a filter compiles to, its parameters in order, and the joins its operands need. */
export interface CompiledFilter {
  /** A boolean SQL expression with `?` placeholders; AND it into the query's WHERE clause. */
  sql: string;
  /** Values for the `?` placeholders of `sql`, in order. */
  params: unknown[];
  /** Joins the resolver asked for (deduplicated); their params bind before the WHERE params. */
  joins: SqlFragment[];
}

/** Options of compileFilter. */
export interface CompileOptions {
  /** How many bound parameters this filter may use (default 100, D1's cap; pass what the query has left). */
  maxParams?: number;
}

/**
 * Compiles a parsed filter to SQL. Every literal, macro and `@request.*` value becomes a bound parameter;
 * identifiers are only ever what the resolver returned. Throws RuleLimitError over the bound-parameter
 * budget or a LIKE pattern over 50 bytes, RuleSyntaxError for a modifier that does not fit its operand.
 */
export function compileFilter(
  expr: FilterExpr,
  resolver: FieldResolver,
  ctx: RuleContext,
  options: CompileOptions = {},
): CompiledFilter {
  void expr;
  void resolver;
  void ctx;
  void options;
  throw new Error("compileFilter: not implemented yet");
}
