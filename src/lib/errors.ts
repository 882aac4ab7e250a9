/** The one error model: capabilities throw ApiError; http/on-error.ts turns it into the public error shape. */

/** One field's validation failure, as PocketBase reports it in an error's `data`. */
export interface FieldError {
  code: string;
  message: string;
}

/** Per-field (or per-path, e.g. `fields.2.name`) validation failures. */
export interface ErrorData {
  [path: string]: FieldError | ErrorData;
}

/** An error safe to show to clients: its status, message and data become the response body verbatim. */
export class ApiError extends Error {
  override name = "ApiError";
  readonly status: number;
  readonly data: ErrorData;
  /** Extra response headers (e.g. Retry-After, Allow). */
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    message: string,
    data: ErrorData = {},
    options: { cause?: unknown; headers?: Record<string, string> } = {},
  ) {
    super(message, { cause: options.cause });
    this.status = status;
    this.data = data;
    this.headers = options.headers ?? {};
  }

  /** The public JSON body: `{status, message, data}`. */
  toJSON(): { status: number; message: string; data: ErrorData } {
    return { status: this.status, message: this.message, data: this.data };
  }
}

/** 400 with optional per-field details. */
export function badRequest(
  message = "Something went wrong while processing your request.",
  data: ErrorData = {},
  cause?: unknown,
): ApiError {
  return new ApiError(400, message, data, { cause });
}

/** 400 for a single field or path, with a `validation_*` code. */
export function validationError(path: string, code: string, message: string): ApiError {
  return badRequest("Failed to validate the submitted data.", { [path]: { code, message } });
}

/** 401: missing, invalid or expired credentials. */
export function unauthorized(message = "The request requires valid authorization token."): ApiError {
  return new ApiError(401, message);
}

/** 403: authenticated (or not) but not allowed. */
export function forbidden(message = "You are not allowed to perform this request."): ApiError {
  return new ApiError(403, message);
}

/** 404: missing, or filtered out by a rule (the two are deliberately indistinguishable). */
export function notFound(message = "The requested resource wasn't found."): ApiError {
  return new ApiError(404, message);
}

/** 405 with the Allow header listing the methods the path does support. */
export function methodNotAllowed(allowed: readonly string[]): ApiError {
  return new ApiError(405, "Method not allowed.", {}, { headers: { Allow: allowed.join(", ") } });
}

/** 409: the request conflicts with the current state. */
export function conflict(message = "The request conflicts with the current state."): ApiError {
  return new ApiError(409, message);
}

/** 412: If-Match did not match the current version. */
export function preconditionFailed(message = "The resource was modified by another request."): ApiError {
  return new ApiError(412, message);
}

/** 413: the request body is over the configured limit. */
export function payloadTooLarge(limitBytes: number): ApiError {
  return new ApiError(413, `The request body is too large (limit ${limitBytes} bytes).`);
}

/** 429 with Retry-After in whole seconds. */
export function tooManyRequests(retryAfterSeconds: number): ApiError {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  return new ApiError(429, "Too many requests.", {}, { headers: { "Retry-After": String(seconds) } });
}

/** 500 with a generic message; the cause is for logs only and never reaches the client. */
export function internalError(cause?: unknown): ApiError {
  return new ApiError(500, "Something went wrong while processing your request.", {}, { cause });
}
