/** parseFilter: the cached entry point of the parser (a bounded LRU keyed by the exact filter text). */

import { LruMap } from "../lib/lru-map";
import type { FilterExpr } from "./ast";
import { RuleError, RuleLimitError } from "./errors";
import { MAX_FILTER_LENGTH, PARSE_CACHE_SIZE } from "./limits";
import { parseUncached } from "./parser";

const parsed = new LruMap<string, FilterExpr | RuleError>(PARSE_CACHE_SIZE);

/** How many parsed filters (and parse errors) the cache holds now; for tests. */
export function parseCacheSize(): number {
  return parsed.size;
}

/**
 * Parses a filter or rule into its AST, caching both results and errors per isolate (ASTs are treated as
 * immutable: never mutate what this returns). Throws RuleSyntaxError or RuleLimitError.
 */
export function parseFilter(text: string): FilterExpr {
  // Over-long texts are rejected before the cache, which would otherwise hold megabytes of client input.
  if (text.length > MAX_FILTER_LENGTH) {
    throw new RuleLimitError(`filter is longer than ${MAX_FILTER_LENGTH} characters`);
  }
  const hit = parsed.get(text);
  if (hit instanceof RuleError) throw hit;
  if (hit !== undefined) return hit;
  try {
    const expr = deepFreeze(parseUncached(text));
    parsed.set(text, expr);
    return expr;
  } catch (error) {
    // Caching failures too keeps a client from making us re-parse the same bad 3,500 characters.
    if (error instanceof RuleError) parsed.set(text, error);
    throw error;
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
