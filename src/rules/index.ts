/**
 * The filter and rule language: `parseFilter` once (cached), then `compileFilter` (AST + FieldResolver →
 * parameterized SQL for D1) or `evaluateFilter` (the same AST on a plain record, for realtime); both follow
 * API.md "Filter language" and agree row for row (test/rules/property.test.ts). All errors are RuleError.
 */
export type {
  BaseOperator,
  ComparisonNode,
  FilterExpr,
  FunctionName,
  FunctionNode,
  IdentifierNode,
  IdentifierScope,
  LiteralNode,
  LogicalNode,
  MacroName,
  MacroNode,
  Modifier,
  Operand,
  Operator,
} from "./ast";
export { baseOperator, FUNCTIONS, isAnyOf, MACROS, MODIFIERS, OPERATORS, recordIdentifier } from "./ast";
export { parseFilter } from "./cache";
export type { CompiledFilter, CompileOptions } from "./compile-sql";
export { compileFilter } from "./compile-sql";
export type { AuthRecord, RequestContextName, RuleContext } from "./context";
export { guestContext } from "./context";
export type { RuleErrorCode } from "./errors";
export { RuleError, RuleLimitError, RuleSyntaxError } from "./errors";
export type { EvalResult, EvaluateOptions, EvalValue, NeedsSql } from "./evaluate";
export { evaluateFilter, needsSql } from "./evaluate";
export { collectIdentifiers } from "./identifiers";
export {
  MAX_BOUND_PARAMS,
  MAX_DEPTH,
  MAX_EXPRESSIONS,
  MAX_FILTER_LENGTH,
  MAX_LIKE_PATTERN_BYTES,
  MAX_SQL_LENGTH,
} from "./limits";
export { macroValue } from "./macros";
export type {
  ColumnResolution,
  FieldResolver,
  ItemsResolution,
  RequestValue,
  Resolution,
  SqlFragment,
  ValueResolution,
} from "./resolver";
export { resolveRequestValue } from "./resolver";
