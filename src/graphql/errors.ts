/** GraphQL errors in REST's terms: `extensions: {status, code, data}`, REST's field codes, no internals. */
import type { GraphQLError, GraphQLFormattedError } from "graphql";
import { ApiError, type ErrorData, internalError } from "../lib/errors";

const CODES: Record<number, string> = {
  400: "BAD_REQUEST",
  401: "UNAUTHORIZED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  405: "METHOD_NOT_ALLOWED",
  409: "CONFLICT",
  412: "PRECONDITION_FAILED",
  413: "PAYLOAD_TOO_LARGE",
  429: "TOO_MANY_REQUESTS",
};

/** The `extensions` every Edgebase GraphQL error carries. */
export interface ErrorExtensions {
  [key: string]: unknown;
  status: number;
  code: string;
  data: ErrorData;
}

/** `extensions` of an ApiError: its status, a code named for the status, and REST's `data` verbatim. */
export function apiExtensions(error: ApiError): ErrorExtensions {
  return { status: error.status, code: CODES[error.status] ?? "INTERNAL_SERVER_ERROR", data: error.data };
}

/** A request-level error (no execution happened), formatted. */
export function formatApiError(error: ApiError): GraphQLFormattedError {
  return { message: error.message, extensions: apiExtensions(error) };
}

/**
 * Formats an error of parsing, validation or execution. Thrown ApiErrors keep REST's status, message and data;
 * anything else thrown by a resolver is a generic 500 whose cause goes to `onInternal` (the log) only. With
 * introspection off, graphql-js's "Did you mean …?" hints are dropped, as they would name schema fields.
 */
export function formatError(
  error: GraphQLError,
  options: { introspection: boolean; onInternal: (cause: unknown) => void; code?: string },
): GraphQLFormattedError {
  const base = { locations: error.locations, path: error.path };
  const original = error.originalError;
  if (original instanceof ApiError)
    return { ...base, message: original.message, extensions: apiExtensions(original) };
  if (original && original.name !== "GraphQLError") {
    options.onInternal(original);
    const internal = internalError(original);
    return { ...base, message: internal.message, extensions: { ...apiExtensions(internal), status: 500 } };
  }
  const message = options.introspection ? error.message : error.message.replace(/ Did you mean .*$/, "");
  return {
    ...base,
    message,
    extensions: { status: 400, code: options.code ?? "GRAPHQL_VALIDATION_FAILED", data: {} },
  };
}
