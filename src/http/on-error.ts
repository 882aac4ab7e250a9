/** The only place that turns errors into the public error shape `{status, message, data}`. */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ApiError, internalError, notFound } from "../lib/errors";
import { errorFields } from "../observability/logger";
import type { AppEnv } from "./context";

// Safe messages for statuses Hono's own middleware may raise; their messages are never forwarded.
const GENERIC_MESSAGES: Record<number, string> = {
  400: "Something went wrong while processing your request.",
  401: "The request requires valid authorization token.",
  403: "You are not allowed to perform this request.",
  404: "The requested resource wasn't found.",
  413: "The request body is too large.",
};

/** Maps anything thrown to an ApiError; unknown errors become a generic 500 carrying the cause for logs. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof HTTPException && err.status < 500) {
    return new ApiError(
      err.status,
      GENERIC_MESSAGES[err.status] ?? "The request could not be processed.",
      {},
      {
        cause: err,
      },
    );
  }
  return internalError(err);
}

/** Builds the JSON response for an ApiError. */
export function errorResponse(c: Context<AppEnv>, err: ApiError): Response {
  return c.json(err.toJSON(), err.status as ContentfulStatusCode, err.headers);
}

/** Hono `onError` handler: logs server errors with the request id, answers with the error shape. */
export function onError(err: unknown, c: Context<AppEnv>): Response {
  const apiError = toApiError(err);
  if (apiError.status >= 500) {
    c.var.log?.error("unhandled error", errorFields(apiError.cause ?? err));
  }
  return errorResponse(c, apiError);
}

/** Hono `notFound` handler: a JSON 404 for unknown routes. */
export function onNotFound(c: Context<AppEnv>): Response {
  return errorResponse(c, notFound());
}
