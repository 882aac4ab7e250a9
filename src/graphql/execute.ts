/** One GraphQL request: size, parse, shape limits, validation, cost, then execution over the records engine. */
import {
  type DocumentNode,
  execute,
  type GraphQLFormattedError,
  type GraphQLSchema,
  getOperationAST,
  NoSchemaIntrospectionCustomRule,
  parse,
  specifiedRules,
  validate,
} from "graphql";
import { ApiError } from "../lib/errors";
import { checkCost, checkShape, limitError } from "./analyze";
import type { GraphqlContext } from "./context";
import { formatApiError, formatError } from "./errors";
import type { GraphqlLimits } from "./limits";

/** A GraphQL request as sent (JSON body or GET query string). */
export interface GraphqlRequest {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

/** A GraphQL response body. */
export interface GraphqlResponse {
  data?: Record<string, unknown> | null;
  errors?: GraphQLFormattedError[];
}

/** How the request arrived and where internal errors go. */
export interface RunOptions {
  limits: GraphqlLimits;
  /** GET requests may only run queries (mutations over GET would be CSRF-able and cacheable). */
  method: "GET" | "POST";
  onInternal: (cause: unknown) => void;
}

function requestError(error: unknown): GraphqlResponse {
  if (error instanceof ApiError) return { errors: [formatApiError(error)] };
  throw error;
}

function invalidRequest(message: string): ApiError {
  return new ApiError(400, message, { query: { code: "validation_invalid_value", message } });
}

/** Runs a request; never throws for client mistakes, which all come back as GraphQL errors. */
export async function runGraphql(
  schema: GraphQLSchema,
  request: GraphqlRequest,
  context: GraphqlContext,
  options: RunOptions,
): Promise<GraphqlResponse> {
  const { limits } = options;
  const format = { introspection: limits.introspection, onInternal: options.onInternal };
  const { query, operationName } = request;
  const variables = request.variables ?? {};
  let document: DocumentNode;
  try {
    if (typeof query !== "string" || query.trim() === "") throw invalidRequest("The query is missing.");
    if (query.length > limits.maxQueryLength)
      throw limitError("graphql_size_limit", `The query is longer than ${limits.maxQueryLength} characters.`);
    if (typeof variables !== "object" || variables === null || Array.isArray(variables))
      throw invalidRequest("variables must be an object.");
    if (operationName !== undefined && operationName !== null && typeof operationName !== "string")
      throw invalidRequest("operationName must be a string.");
    try {
      document = parse(query, { maxTokens: limits.maxTokens });
    } catch (error) {
      if (error instanceof ApiError) throw error;
      return { errors: [formatError(error as never, { ...format, code: "GRAPHQL_PARSE_FAILED" })] };
    }
    checkShape(document, limits);
  } catch (error) {
    return requestError(error);
  }
  const rules = limits.introspection ? specifiedRules : [...specifiedRules, NoSchemaIntrospectionCustomRule];
  const invalid = validate(schema, document, rules, { maxErrors: 20 });
  if (invalid.length > 0) return { errors: invalid.map((e) => formatError(e, format)) };
  const operation = getOperationAST(document, (operationName as string | undefined) ?? null);
  try {
    if (!operation) throw invalidRequest("Name the operation to run (operationName).");
    if (options.method === "GET" && operation.operation !== "query") {
      throw new ApiError(
        405,
        "Only queries may be sent with GET; use POST.",
        {},
        { headers: { Allow: "POST" } },
      );
    }
    checkCost(schema, document, operation, variables as Record<string, unknown>, limits);
  } catch (error) {
    return requestError(error);
  }
  const result = await execute({
    schema,
    document,
    contextValue: context,
    variableValues: variables as Record<string, unknown>,
    operationName: (operationName as string | undefined) ?? undefined,
  });
  const out: GraphqlResponse = { data: (result.data as Record<string, unknown> | null | undefined) ?? null };
  if (result.errors?.length) out.errors = result.errors.map((e) => formatError(e, format));
  return out;
}
