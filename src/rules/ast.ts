/** The typed AST of the filter/rule language, shared by the parser, the SQL compiler and the JS evaluator. */

/** The 16 comparison operators; the `?`-prefixed ones are the any-of forms for multi-valued operands. */
export const OPERATORS = [
  "=",
  "!=",
  ">",
  ">=",
  "<",
  "<=",
  "~",
  "!~",
  "?=",
  "?!=",
  "?>",
  "?>=",
  "?<",
  "?<=",
  "?~",
  "?!~",
] as const;

/** One comparison operator. */
export type Operator = (typeof OPERATORS)[number];

/** The operator without its any-of `?` prefix. */
export type BaseOperator = "=" | "!=" | ">" | ">=" | "<" | "<=" | "~" | "!~";

/** Identifier modifiers (`title:lower`, `tags:length`, `tags:each`, `@request.body.x:isset`, `…:changed`). */
export const MODIFIERS = ["lower", "length", "each", "isset", "changed"] as const;

/** One identifier modifier. */
export type Modifier = (typeof MODIFIERS)[number];

/** The date/time macros, all computed once per request from RuleContext.now in UTC. */
export const MACROS = [
  "now",
  "second",
  "minute",
  "hour",
  "weekday",
  "day",
  "month",
  "year",
  "yesterday",
  "tomorrow",
  "todayStart",
  "todayEnd",
  "monthStart",
  "monthEnd",
  "yearStart",
  "yearEnd",
] as const;

/** One macro name (without the `@`). */
export type MacroName = (typeof MACROS)[number];

/** The functions the language knows. */
export const FUNCTIONS = ["strftime", "geoDistance"] as const;

/** One function name. */
export type FunctionName = (typeof FUNCTIONS)[number];

/** A literal: a string, a number, `true`, `false` or `null`. */
export interface LiteralNode {
  type: "literal";
  value: string | number | boolean | null;
  /** Character offset of the token in the filter text. */
  pos: number;
}

/** Where an identifier points: the record's own fields, the request, or another collection. */
export type IdentifierScope = "record" | "request" | "collection";

/**
 * A field path. `author.name:lower` → scope "record", path ["author", "name"], modifier "lower".
 * `@request.auth.id` → scope "request", path ["auth", "id"].
 * `@collection.posts:p.title` → scope "collection", path ["posts", "title"], alias "p".
 */
export interface IdentifierNode {
  type: "identifier";
  scope: IdentifierScope;
  /** Path segments after the scope prefix (never empty). */
  path: string[];
  modifier: Modifier | null;
  /** For `@collection.name:alias.field`: the alias (null when absent, meaning the collection name). */
  alias: string | null;
  /** The identifier exactly as written, e.g. `@request.body.tags:each`. */
  raw: string;
  pos: number;
}

/** A macro such as `@now` or `@todayStart`. */
export interface MacroNode {
  type: "macro";
  name: MacroName;
  pos: number;
}

/** A function call: `strftime(format, value, modifiers…)` or `geoDistance(lonA, latA, lonB, latB)`. */
export interface FunctionNode {
  type: "function";
  name: FunctionName;
  args: Operand[];
  pos: number;
}

/** Anything that can stand on either side of an operator. */
export type Operand = LiteralNode | IdentifierNode | MacroNode | FunctionNode;

/** `left op right`. */
export interface ComparisonNode {
  type: "comparison";
  op: Operator;
  left: Operand;
  right: Operand;
  pos: number;
}

/** `left && right` or `left || right` (parentheses only shape the tree). */
export interface LogicalNode {
  type: "logical";
  op: "&&" | "||";
  left: FilterExpr;
  right: FilterExpr;
  pos: number;
}

/** A parsed filter or rule. */
export type FilterExpr = ComparisonNode | LogicalNode;

/** The plain record identifier for a dotted path (`author.name`), as a sort key names a field. */
export function recordIdentifier(path: string): IdentifierNode {
  return {
    type: "identifier",
    scope: "record",
    path: path.split("."),
    modifier: null,
    alias: null,
    raw: path,
    pos: 0,
  };
}

/** True for the `?`-prefixed any-of operators. */
export function isAnyOf(op: Operator): boolean {
  return op.startsWith("?");
}

/** The operator without its `?` prefix. */
export function baseOperator(op: Operator): BaseOperator {
  return (op.startsWith("?") ? op.slice(1) : op) as BaseOperator;
}
