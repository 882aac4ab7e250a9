/** Limits checked on the parsed document before execution: aliases, depth, introspection nesting and cost. */
import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  GraphQLInt,
  type GraphQLObjectType,
  type GraphQLSchema,
  getNamedType,
  isObjectType,
  type OperationDefinitionNode,
  type SelectionSetNode,
  valueFromAST,
} from "graphql";
import { ApiError } from "../lib/errors";
import { DEFAULT_PER_PAGE, MAX_PER_PAGE } from "../records/query-params";
import { type GraphqlLimits, INTROSPECTION_MIN_DEPTH } from "./limits";
import type { CostKind } from "./record-types";
import { type Budget, fieldNodes } from "./selection";

type Fragments = Record<string, FragmentDefinitionNode>;

/** Introspection fields returning lists; nesting more than MAX_INTROSPECTION_LISTS of them multiplies the schema. */
const INTROSPECTION_LISTS = new Set([
  "types",
  "fields",
  "inputFields",
  "interfaces",
  "possibleTypes",
  "enumValues",
  "args",
  "directives",
]);
const MAX_INTROSPECTION_LISTS = 3;
/** Root fields that run a sign-in flow; one per operation. */
const AUTH_MUTATIONS = new Set(["authWithPassword", "authRefresh"]);
/** Most selections a document may expand to with its fragments inlined (the standard introspection query: ~400). */
export const MAX_EXPANDED_SELECTIONS = 10_000;

/** A 400 naming the limit; raised before anything executes. */
export function limitError(code: string, message: string): ApiError {
  return new ApiError(400, message, { query: { code, message } });
}

function fragmentsOf(document: DocumentNode): Fragments {
  const out: Fragments = {};
  for (const d of document.definitions) if (d.kind === "FragmentDefinition") out[d.name.value] = d;
  return out;
}

/**
 * Checks the limits that need no schema, on the raw document, before validation (whose overlap check is
 * quadratic in aliases): alias count, depth, list nesting inside introspection, and how far fragments expand.
 * A fragment cycle ends at the depth limit or the expansion budget; validation names it when it gets there.
 */
export function checkShape(document: DocumentNode, limits: GraphqlLimits): void {
  const fragments = fragmentsOf(document);
  let aliases = 0;
  for (const definition of document.definitions) {
    if (definition.kind !== "OperationDefinition" && definition.kind !== "FragmentDefinition") continue;
    countAliases(definition.selectionSet);
  }
  function countAliases(set: SelectionSetNode): void {
    for (const s of set.selections) {
      if (s.kind === "Field" && s.alias) aliases++;
      if (s.kind !== "FragmentSpread" && s.selectionSet) countAliases(s.selectionSet);
    }
  }
  if (aliases > limits.maxAliases)
    throw limitError(
      "graphql_alias_limit",
      `The query uses ${aliases} aliases; at most ${limits.maxAliases} are allowed.`,
    );

  const maxIntrospectionDepth = Math.max(limits.maxDepth, INTROSPECTION_MIN_DEPTH);
  const budget: Budget = { left: MAX_EXPANDED_SELECTIONS };
  const expand = (set: SelectionSetNode | undefined) => {
    const nodes = fieldNodes(set, fragments, new Set(), budget);
    if (budget.left < 0)
      throw limitError("graphql_size_limit", "The query expands to too many fields through its fragments.");
    return nodes;
  };
  const walk = (nodes: FieldNode[], depth: number, inIntrospection: boolean, lists: number) => {
    for (const node of nodes) {
      const name = node.name.value;
      const introspection = inIntrospection || name === "__schema" || name === "__type";
      const limit = introspection ? maxIntrospectionDepth : limits.maxDepth;
      if (depth > limit)
        throw limitError("graphql_depth_limit", `The query is nested deeper than ${limits.maxDepth} levels.`);
      const nested = introspection && INTROSPECTION_LISTS.has(name) ? lists + 1 : lists;
      if (nested > MAX_INTROSPECTION_LISTS)
        throw limitError("graphql_introspection_limit", "The introspection query nests too many lists.");
      if (node.selectionSet) walk(expand(node.selectionSet), depth + 1, introspection, nested);
    }
  };
  for (const definition of document.definitions) {
    if (definition.kind !== "OperationDefinition") continue;
    const roots = expand(definition.selectionSet);
    // Each sign-in hashes a password (PBKDF2): aliases must not turn one request into many.
    if (roots.filter((f) => AUTH_MUTATIONS.has(f.name.value)).length > 1)
      throw limitError("graphql_auth_limit", "An operation may sign in or refresh at most once.");
    walk(roots, 1, false, 0);
  }
}

/**
 * The cost of an operation (after validation, so every field exists): an object field costs 1 plus its children
 * times its multiplier (a list query's `perPage`, `manyRelationCost` for back-relations and multi relations);
 * leaves cost nothing; introspection counts 1 per object field (checkShape bounds its nesting).
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  limits: GraphqlLimits,
): number {
  const fragments = fragmentsOf(document);
  const root = operation.operation === "mutation" ? schema.getMutationType() : schema.getQueryType();
  if (!root) return 0;
  const cost = (set: SelectionSetNode | undefined, parent: GraphQLObjectType): number => {
    let total = 0;
    for (const node of fieldNodes(set, fragments)) {
      const name = node.name.value;
      if (name.startsWith("__")) {
        total += introspectionCost(node.selectionSet);
        continue;
      }
      const field = parent.getFields()[name];
      if (!field) continue;
      const type = getNamedType(field.type);
      if (!isObjectType(type)) continue;
      const kind = field.extensions?.cost as CostKind | undefined;
      const multiplier =
        kind === "page" ? perPageOf(node, variables) : kind === "many" ? limits.manyRelationCost : 1;
      total += 1 + multiplier * cost(node.selectionSet, type);
    }
    return total;
  };
  const introspectionCost = (set: SelectionSetNode | undefined): number =>
    fieldNodes(set, fragments).reduce(
      (n, f) => n + (f.selectionSet ? 1 + introspectionCost(f.selectionSet) : 0),
      0,
    );
  return cost(operation.selectionSet, root);
}

function perPageOf(node: FieldNode, variables: Record<string, unknown>): number {
  const arg = node.arguments?.find((a) => a.name.value === "perPage");
  if (!arg) return DEFAULT_PER_PAGE;
  const value = valueFromAST(arg.value, GraphQLInt, variables);
  // The records engine's parser clamps the value the same way; here it must only not look cheap.
  return typeof value === "number" && value > 0 ? Math.min(value, MAX_PER_PAGE) : DEFAULT_PER_PAGE;
}

/** Throws when the operation's cost is over the budget. */
export function checkCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  limits: GraphqlLimits,
): void {
  const total = operationCost(schema, document, operation, variables, limits);
  if (total > limits.maxCost) {
    throw limitError(
      "graphql_cost_limit",
      `The query's cost ${total} is over the budget of ${limits.maxCost}.`,
    );
  }
}
