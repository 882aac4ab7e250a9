/** compileFilter: AST + FieldResolver → parameterized SQL with PocketBase's semantics. */
import type { BaseOperator, ComparisonNode, FilterExpr, IdentifierNode, Operand } from "./ast";
import { baseOperator, isAnyOf } from "./ast";
import type { SqlOperand } from "./compile-operand";
import { boundOperand, compileOperand } from "./compile-operand";
import type { RuleContext } from "./context";
import { RuleLimitError } from "./errors";
import { MAX_BOUND_PARAMS, MAX_SQL_LENGTH } from "./limits";
import type { FieldResolver, SqlFragment } from "./resolver";
import { changedSides, equalityForm, likePattern, submittedList } from "./semantics";

/** The WHERE term a filter compiles to, its parameters in order, and the joins its operands need. */
export interface CompiledFilter {
  /** A boolean SQL expression with `?` placeholders; AND it into the query's WHERE clause. */
  sql: string;
  /** Values for the `?` placeholders of `sql`, in order (strings, numbers or null). */
  params: unknown[];
  /** Joins the resolver asked for (deduplicated); their params bind before the WHERE params. */
  joins: SqlFragment[];
}

/** Options of compileFilter. */
export interface CompileOptions {
  /** How many bound parameters this filter may use (default 100, D1's cap; pass what the query has left). */
  maxParams?: number;
  /** Longest SQL text the filter may compile to (default 40,000 characters; D1 caps a statement at 100 KB). */
  maxSqlLength?: number;
}

/**
 * Compiles a parsed filter to SQL. Every literal, macro and `@request.*` value becomes a bound parameter;
 * identifiers are only ever what the resolver returned. Multi-valued operands (ItemsResolution, array values)
 * become `EXISTS`/`NOT EXISTS` subqueries: `?` operators need one matching item, plain operators all items.
 * Throws RuleLimitError over the bound-parameter budget or for a LIKE pattern over 50 bytes, and
 * RuleSyntaxError for a modifier that does not fit its operand (`:length` on a single-valued field).
 */
export function compileFilter(
  expr: FilterExpr,
  resolver: FieldResolver,
  ctx: RuleContext,
  options: CompileOptions = {},
): CompiledFilter {
  const joins = new Map<string, SqlFragment>();
  const compiler = new SqlCompiler(resolver, ctx, (list) => {
    for (const join of list) if (!joins.has(join.sql)) joins.set(join.sql, join);
  });
  const where = compiler.filter(expr);
  const joinList = [...joins.values()];
  const total = where.params.length + joinList.reduce((n, j) => n + j.params.length, 0);
  const max = options.maxParams ?? MAX_BOUND_PARAMS;
  if (total > max) throw new RuleLimitError(`filter needs ${total} bound parameters (limit ${max})`);
  const maxSql = options.maxSqlLength ?? MAX_SQL_LENGTH;
  if (where.sql.length > maxSql) throw new RuleLimitError("filter compiles to a query that is too large");
  return { sql: where.sql, params: where.params, joins: joinList };
}

interface Frag {
  sql: string;
  params: unknown[];
}

class SqlCompiler {
  #resolver: FieldResolver;
  #ctx: RuleContext;
  #addJoins: (joins: readonly SqlFragment[]) => void;
  #aliases = 0;

  constructor(resolver: FieldResolver, ctx: RuleContext, addJoins: (joins: readonly SqlFragment[]) => void) {
    this.#resolver = resolver;
    this.#ctx = ctx;
    this.#addJoins = addJoins;
  }

  filter(node: FilterExpr): Frag {
    if (node.type === "comparison") return this.#comparison(node);
    // D1 caps expression trees at depth 100, and a parsed `a || b || …` chain is one level per term:
    // emit each chain of one operator as a balanced tree instead (AND/OR are associative, even with NULLs).
    const terms = chainTerms(node, node.op).map((term) => this.filter(term));
    return balanced(terms, node.op === "&&" ? "AND" : "OR");
  }

  #comparison(node: ComparisonNode): Frag {
    return this.#compare(baseOperator(node.op), isAnyOf(node.op), node.left, node.right);
  }

  #compare(op: BaseOperator, anyOf: boolean, leftNode: Operand, rightNode: Operand): Frag {
    const left = this.#operand(leftNode);
    const right = this.#operand(rightNode);
    if (!left.items && !right.items) return scalarCompare(op, left, right, rightNode.pos);
    // One row per item (a single NULL row for an empty list, thanks to the LEFT JOIN on a one-row table).
    let from = "(SELECT 1)";
    const fromParams: unknown[] = [];
    const perItem = (side: SqlOperand): SqlOperand => {
      if (!side.items) return side;
      const alias = `__i${++this.#aliases}`;
      from += ` LEFT JOIN (${side.sql}) ${alias} ON 1`;
      fromParams.push(...side.params);
      const item: SqlOperand = { items: false, sql: `${alias}.v`, params: [], emptiness: "unknown" };
      return side.zero === undefined ? item : { ...item, zero: side.zero };
    };
    const cond = scalarCompare(op, perItem(left), perItem(right), rightNode.pos);
    const sql = anyOf
      ? `EXISTS (SELECT 1 FROM ${from} WHERE ${cond.sql})`
      : `NOT EXISTS (SELECT 1 FROM ${from} WHERE (${cond.sql}) IS NOT TRUE)`;
    return { sql, params: [...fromParams, ...cond.params] };
  }

  #operand(node: Operand): SqlOperand {
    if (node.type === "identifier" && node.modifier === "changed") return this.#changed(node);
    return compileOperand(node, this.#resolver, this.#ctx, this.#addJoins);
  }

  /** `@request.body.f:changed` (see changedSides); stored lists compare whole. */
  #changed(node: IdentifierNode): SqlOperand {
    const sides = changedSides(node, this.#ctx.body);
    if (sides === null) return boundOperand(0);
    const { bodyNode, fieldNode } = sides;
    const field = this.#resolver.resolve(fieldNode);
    const body = this.#resolver.resolve(bodyNode);
    if (field.kind === "items" && field.arraySql && body.kind === "value") {
      // A stored list changed when the submitted list differs from it as a whole (order included).
      const sql = `(CASE WHEN ? IS NOT json(${field.arraySql}) THEN 1 ELSE 0 END)`;
      return { items: false, sql, params: [submittedList(body.value)], emptiness: "unknown" };
    }
    const neq = this.#compare("!=", false, bodyNode, fieldNode);
    return {
      items: false,
      sql: `(CASE WHEN ${neq.sql} THEN 1 ELSE 0 END)`,
      params: neq.params,
      emptiness: "unknown",
    };
  }
}

/** The operands of a chain of one logical operator, in order (`a || (b || c) || d` → a, b, c, d). */
function chainTerms(node: FilterExpr, op: "&&" | "||"): FilterExpr[] {
  return node.type === "logical" && node.op === op
    ? [...chainTerms(node.left, op), ...chainTerms(node.right, op)]
    : [node];
}

function balanced(terms: Frag[], op: "AND" | "OR"): Frag {
  if (terms.length === 1) return terms[0] as Frag;
  const mid = Math.ceil(terms.length / 2);
  const left = balanced(terms.slice(0, mid), op);
  const right = balanced(terms.slice(mid), op);
  return { sql: `(${left.sql} ${op} ${right.sql})`, params: [...left.params, ...right.params] };
}

/** Compares two single-valued operands. */
function scalarCompare(op: BaseOperator, left: SqlOperand, right: SqlOperand, pos: number): Frag {
  const params = [...left.params, ...right.params];
  switch (op) {
    case "=":
    case "!=":
      return equality(op === "=", left, right);
    case "~":
    case "!~": {
      const not = op === "!~" ? "NOT " : "";
      if (right.bound) {
        const pattern = likePattern(right.bound.value, pos);
        return pattern === null
          ? { sql: `${left.sql} ${not}LIKE NULL ESCAPE '\\'`, params: left.params }
          : { sql: `${left.sql} ${not}LIKE ? ESCAPE '\\'`, params: [...left.params, pattern] };
      }
      return { sql: `${left.sql} ${not}LIKE ('%' || ${right.sql} || '%') ESCAPE '\\'`, params };
    }
    default:
      return { sql: `${left.sql} ${op} ${right.sql}`, params };
  }
}

/** `=` / null-safe `!=` in the form equalityForm picks (zero values match `""` and `null`). */
function equality(equal: boolean, left: SqlOperand, right: SqlOperand): Frag {
  const eq = equal ? "=" : "IS NOT";
  switch (equalityForm(left.emptiness, right.emptiness)) {
    case "both-empty":
      return { sql: `'' ${eq} ''`, params: [] };
    case "direct": {
      const l = left.emptiness === "empty" ? { sql: "''", params: [] } : left;
      const r = right.emptiness === "empty" ? { sql: "''", params: [] } : right;
      return { sql: `${l.sql} ${eq} ${r.sql}`, params: [...l.params, ...r.params] };
    }
    case "left-empty":
      return zeroMatch(equal, right);
    case "right-empty":
      return zeroMatch(equal, left);
    case "coalesce":
      return {
        sql: `COALESCE(${left.sql}, '') ${eq} COALESCE(${right.sql}, '')`,
        params: [...left.params, ...right.params],
      };
  }
}

/** `(x = '' OR x IS NULL [OR x = zero])`, or its negation `(x IS NOT '' AND x IS NOT NULL [AND …])`. */
function zeroMatch(equal: boolean, x: SqlOperand): Frag {
  const [eq, join, nullTest] = equal ? ["=", "OR", "IS NULL"] : ["IS NOT", "AND", "IS NOT NULL"];
  const terms = [`${x.sql} ${eq} ''`, `${x.sql} ${nullTest}`];
  const params = [...x.params, ...x.params];
  if (x.zero !== undefined) {
    terms.push(`${x.sql} ${eq} ?`);
    params.push(...x.params, x.zero);
  }
  return { sql: `(${terms.join(` ${join} `)})`, params };
}
