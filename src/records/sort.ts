/** Sort terms to SQL: field paths through the record resolver, `@random`, `@rowid`, and a stable tiebreak. */

import { recordIdentifier } from "../rules/ast";
import { RuleSyntaxError } from "../rules/errors";
import { MAX_BOUND_PARAMS } from "../rules/limits";
import { type CompileScope, clientResolver, filterError } from "./compile";
import type { SortTerm } from "./query-params";

/** One ORDER BY key: its SQL expression (with parameters) and direction. */
export interface SortKey {
  sql: string;
  params: unknown[];
  desc: boolean;
}

/** The resolved ordering: keys (the tiebreak last), or random order. */
export type ResolvedSort = { random: true } | { random: false; keys: SortKey[] };

/** The canonical text of a sort (what a cursor is bound to). */
export function sortSignature(terms: readonly SortTerm[]): string {
  return terms
    .map((t) =>
      t.kind === "random" ? "@random" : `${t.desc ? "-" : ""}${t.kind === "rowid" ? "@rowid" : t.path}`,
    )
    .join(",");
}

/**
 * Resolves sort terms for the scope's collection as a client would (hidden fields unknown, related listRules
 * applied). A multi-valued path cannot be sorted by (400). The row's rowid (id for views) ends every sort so
 * pages and cursors are stable.
 */
export function resolveSort(terms: readonly SortTerm[], scope: CompileScope): ResolvedSort {
  if (terms.some((t) => t.kind === "random")) return { random: true };
  const resolver = clientResolver(scope);
  const rowid = scope.collection.type === "view" ? `${scope.alias}.id` : `${scope.alias}.rowid`;
  const keys: SortKey[] = [];
  try {
    for (const term of terms) {
      if (term.kind === "random") continue;
      if (term.kind === "rowid") {
        keys.push({ sql: rowid, params: [], desc: term.desc });
        continue;
      }
      const identifier = recordIdentifier(term.path);
      const resolved = resolver.resolve(identifier);
      if (resolved.kind !== "column")
        throw new RuleSyntaxError(`cannot sort by the multi-valued "${term.path}"`);
      keys.push({ sql: resolved.sql, params: [...(resolved.params ?? [])], desc: term.desc });
    }
  } catch (err) {
    filterError("sort", err);
  }
  if (keys.reduce((n, k) => n + k.params.length, 0) > MAX_BOUND_PARAMS / 2) {
    filterError("sort", new RuleSyntaxError("the sort is too complex"));
  }
  const last = terms[terms.length - 1];
  if (last?.kind !== "rowid") keys.push({ sql: rowid, params: [], desc: false });
  return { random: false, keys };
}
