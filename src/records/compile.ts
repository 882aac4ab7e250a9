/** Compiles rules and client filters of a collection to SQL terms, mapping rule-language errors to 400s. */
import type { Collection } from "../collections/collection";
import type { SchemaSnapshot } from "../collections/store";
import { quoteIdent } from "../db/sql";
import { ApiError, badRequest, forbidden } from "../lib/errors";
import { parseFilter } from "../rules/cache";
import { type CompiledFilter, compileFilter } from "../rules/compile-sql";
import type { RuleContext } from "../rules/context";
import { RuleError } from "../rules/errors";
import { MAX_BOUND_PARAMS } from "../rules/limits";
import { AliasCounter, RecordResolver, type RuleSql } from "./resolver";

/** Where a filter is compiled: which collection's row, under which alias, for whom. */
export interface CompileScope {
  snapshot: SchemaSnapshot;
  collection: Collection;
  /** Quoted alias of the row. */
  alias: string;
  ctx: RuleContext;
  aliases: AliasCounter;
}

/** A new scope with its own alias counter. */
export function scopeFor(
  snapshot: SchemaSnapshot,
  collection: Collection,
  ctx: RuleContext,
  alias = '"__m"',
): CompileScope {
  return { snapshot, collection, alias, ctx, aliases: new AliasCounter() };
}

/** The 400 a bad filter, sort or rule gives, naming the query parameter (or `rule`) it came from. */
export function filterError(param: string, err: unknown): never {
  if (err instanceof ApiError) throw err;
  if (err instanceof RuleError) {
    throw badRequest(`Invalid "${param}" parameter: ${err.message}.`, {
      [param]: {
        code: err.code === "limit" ? "validation_filter_limit" : "validation_invalid_filter",
        message: err.message,
      },
    });
  }
  throw err;
}

/** The resolver a client filter or sort uses: related collections' listRules apply along relation paths. */
export function clientResolver(scope: CompileScope): RecordResolver {
  return resolverFor(scope, true);
}

function resolverFor(scope: CompileScope, client: boolean): RecordResolver {
  return new RecordResolver({
    ...scope,
    client,
    listRuleOf: (collection, alias) => listRuleSql(collection, { ...scope, collection, alias }),
  });
}

/** Compiles filter or rule text for the scope's row. `client` marks a client filter (see RecordResolver). */
export function compileText(
  text: string,
  scope: CompileScope,
  options: { client: boolean; maxParams?: number; param?: string },
): CompiledFilter {
  try {
    return compileFilter(parseFilter(text), resolverFor(scope, options.client), scope.ctx, {
      maxParams: options.maxParams ?? MAX_BOUND_PARAMS,
    });
  } catch (err) {
    filterError(options.param ?? (options.client ? "filter" : "rule"), err);
  }
}

function listRuleSql(collection: Collection, scope: CompileScope): RuleSql | null {
  if (collection.listRule === null || collection.listRule.trim() === "") return null;
  return compileText(collection.listRule, scope, { client: false });
}

/** A rule's WHERE term: null when it lets everyone through, 403 when it is locked and the caller no superuser. */
export function ruleTerm(
  rule: string | null,
  scope: CompileScope,
  maxParams = MAX_BOUND_PARAMS,
): CompiledFilter | null {
  if (scope.ctx.isSuperuser) return null;
  if (rule === null) throw forbidden("Only superusers can perform this action.");
  if (rule.trim() === "") return null;
  return compileText(rule, scope, { client: false, maxParams });
}

/**
 * A compiled term as one WHERE condition on the row `scope.alias` of `table`. Terms with joins (`@collection.*`)
 * become `id IN (SELECT … joins … WHERE term)` so joined rows never multiply the outer query's rows.
 */
export function termSql(term: CompiledFilter, scope: CompileScope): { sql: string; params: unknown[] } {
  if (term.joins.length === 0) return { sql: `(${term.sql})`, params: term.params };
  const table = quoteIdent(scope.collection.name);
  const joins = term.joins.map((j) => j.sql).join(" ");
  return {
    sql: `${scope.alias}.id IN (SELECT ${scope.alias}.id FROM ${table} ${scope.alias} ${joins} WHERE ${term.sql})`,
    params: [...term.joins.flatMap((j) => j.params), ...term.params],
  };
}
