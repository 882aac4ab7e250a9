/** GraphQL options and limits (pure: no graphql-js, so app.ts can validate them without loading the engine). */

/** Limits checked before anything executes, and the introspection switch. */
export interface GraphqlLimits {
  /** Deepest field nesting (`{ a { b } }` is 2). Default 8. */
  maxDepth: number;
  /** Most aliased fields in one document. Default 30. */
  maxAliases: number;
  /** Longest query text in characters. Default 10 000. */
  maxQueryLength: number;
  /** Most lexical tokens graphql-js may parse. Default 3 000. */
  maxTokens: number;
  /**
   * Cost budget: each object field costs 1 plus its children times its multiplier; a list query multiplies by
   * its `perPage`, a back-relation or multi relation by `manyRelationCost`. Default 10 000.
   */
  maxCost: number;
  /** Expected size of a back-relation or multi relation, for the cost. Default 10. */
  manyRelationCost: number;
  /** Serve `__schema`/`__type`, the SDL and the explorer. Default true; turn it off in production if you like. */
  introspection: boolean;
}

/** Options of `createEdgebase({ graphql })`. */
export type GraphqlOptions = Partial<GraphqlLimits>;

/** The defaults (README "GraphQL"). */
export const DEFAULT_GRAPHQL_LIMITS: GraphqlLimits = {
  maxDepth: 8,
  maxAliases: 30,
  maxQueryLength: 10_000,
  maxTokens: 3_000,
  maxCost: 10_000,
  manyRelationCost: 10,
  introspection: true,
};

/** Introspection queries nest `ofType` deeply; they get this depth at least (their cost is bounded separately). */
export const INTROSPECTION_MIN_DEPTH = 15;

/** Fills defaults and rejects nonsense once, when the app is built. */
export function resolveGraphqlLimits(options: GraphqlOptions = {}): GraphqlLimits {
  const limits = { ...DEFAULT_GRAPHQL_LIMITS, ...options };
  for (const key of [
    "maxDepth",
    "maxAliases",
    "maxQueryLength",
    "maxTokens",
    "maxCost",
    "manyRelationCost",
  ] as const) {
    const value = limits[key];
    if (!Number.isInteger(value) || value < 0)
      throw new TypeError(`graphql.${key} must be a whole number ≥ 0.`);
  }
  return limits;
}
