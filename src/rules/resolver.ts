/** The FieldResolver port: the caller maps identifiers to SQL or to values; the rules module knows no schema. */
import type { IdentifierNode } from "./ast";

/** A piece of SQL with its `?` parameters, in order. */
export interface SqlFragment {
  sql: string;
  params: readonly unknown[];
}

/**
 * A single-valued SQL operand: a column reference (`"posts"."title"`), a `json_extract(…)`, a correlated
 * subquery… Its text is trusted (it never contains client input); values go in `params`.
 */
export interface ColumnResolution {
  kind: "column";
  sql: string;
  params?: readonly unknown[];
  /**
   * The field's zero value besides `''` and NULL, so `x = ""` / `x = null` also match it: `0` for number and
   * bool columns (stored 0/1). Omit for text-like columns.
   */
  zero?: string | number;
  /** Joins the expression depends on (deduplicated by SQL text, returned by compileFilter). */
  joins?: readonly SqlFragment[];
}

/**
 * A multi-valued SQL operand (multi select/relation/file, a JSON array, a back-relation, a path through a
 * multi relation): `sql` is a SELECT returning one row per item in a column named `v`, correlated to the outer
 * row (e.g. `SELECT value AS v FROM json_each("posts"."tags")`). It returns no rows for an empty list.
 * Plain operators then mean "every item matches", `?` operators "at least one item matches"; an empty list
 * behaves as a single NULL item (so `tags = ""` matches it and `tags = "a"` does not).
 */
export interface ItemsResolution {
  kind: "items";
  sql: string;
  params?: readonly unknown[];
  /** The items' zero value besides `''` and NULL (see ColumnResolution.zero). */
  zero?: string | number;
  /** The JSON array expression of the whole list when one exists, used by `:length` (else COUNT over items). */
  arraySql?: string;
  joins?: readonly SqlFragment[];
}

/**
 * A value known before the query runs (`@request.*`): bound as a parameter. Arrays are multi-valued (items
 * semantics as above), plain objects compare as their JSON text, booleans as 1/0, undefined as NULL.
 */
export interface ValueResolution {
  kind: "value";
  value: unknown;
}

/** What a FieldResolver returns for one identifier. */
export type Resolution = ColumnResolution | ItemsResolution | ValueResolution;

/**
 * Maps identifiers to SQL operands or bound values. The resolver sees the whole identifier node (scope, path,
 * modifier, alias) but resolves the PATH only: the compiler applies `:lower`, `:length`, `:each`, `:isset` and
 * `:changed` itself. Throw a RuleSyntaxError (or your own ApiError) for an unknown or forbidden field.
 * For `@request.*` identifiers, `resolveRequestValue` (below) gives the value PocketBase would use.
 */
export interface FieldResolver {
  resolve(identifier: IdentifierNode): Resolution;
}

/** A request value lookup result: found with its value, or the path needs a database lookup. */
export type RequestValue = { found: true; value: unknown } | { found: false; reason: string };

/**
 * The value of a `@request.*` identifier from the RuleContext, shared by resolvers and the evaluator.
 * Missing keys are NULL (as in PocketBase); `@request.auth.*` paths that go through a relation of the auth
 * record (`@request.auth.team.name`) cannot be answered from the context and report `found: false`.
 */
export function resolveRequestValue(
  path: readonly string[],
  ctx: {
    auth: Record<string, unknown> | null;
    method: string;
    context: string;
    headers: Record<string, string>;
    query: Record<string, string>;
    body: Record<string, unknown>;
  },
): RequestValue {
  const [head, ...rest] = path;
  switch (head) {
    case "method":
      return rest.length === 0 ? { found: true, value: ctx.method } : { found: true, value: null };
    case "context":
      return rest.length === 0 ? { found: true, value: ctx.context } : { found: true, value: null };
    case "headers":
      return walk(ctx.headers, rest, false);
    case "query":
      return walk(ctx.query, rest, false);
    case "body":
      return walk(ctx.body, rest, false);
    case "auth":
      return ctx.auth === null ? { found: true, value: null } : walk(ctx.auth, rest, true);
    default:
      return { found: true, value: null };
  }
}

function walk(root: unknown, path: readonly string[], isAuth: boolean): RequestValue {
  let current: unknown = root;
  for (let i = 0; i < path.length; i++) {
    if (current === null || current === undefined) return { found: true, value: null };
    if (typeof current === "object" && !Array.isArray(current)) {
      const key = path[i] as string;
      current = Object.hasOwn(current, key) ? (current as Record<string, unknown>)[key] : null;
      continue;
    }
    // Below a scalar auth field the path is a relation of the auth record: only SQL can follow it.
    if (isAuth && i >= 1) return { found: false, reason: `@request.auth.${path.join(".")} needs a lookup` };
    return { found: true, value: null };
  }
  return { found: true, value: current === undefined ? null : current };
}
