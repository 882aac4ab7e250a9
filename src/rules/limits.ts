/** Limits on what a client-controlled filter may cost; D1's own caps are the last two. */

/** Maximum filter/rule text length in characters. */
export const MAX_FILTER_LENGTH = 3500;
/** Maximum number of comparisons in one filter. */
export const MAX_EXPRESSIONS = 200;
/** Maximum nesting of parentheses and function calls. */
export const MAX_DEPTH = 32;
/** Maximum segments of one identifier path. */
export const MAX_PATH_SEGMENTS = 12;
/** Maximum arguments of one function call. */
export const MAX_FUNCTION_ARGS = 12;
/** D1 caps a statement at 100 bound parameters. */
export const MAX_BOUND_PARAMS = 100;
/** D1 caps a statement at 100 KB: a rule and a client filter (40 KB each) still leave room for the rest. */
export const MAX_SQL_LENGTH = 40_000;
/** D1 caps a LIKE pattern at 50 bytes. */
export const MAX_LIKE_PATTERN_BYTES = 50;
/** How many parsed filters the LRU keeps per isolate. */
export const PARSE_CACHE_SIZE = 500;
