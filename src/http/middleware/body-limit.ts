/** Caps request bodies (declared or streamed) and answers 413 with the error shape. */
import type { MiddlewareHandler } from "hono";
import { bodyLimit as honoBodyLimit } from "hono/body-limit";
import { payloadTooLarge } from "../../lib/errors";
import type { AppEnv } from "../context";

/** Default request body limit: 10 MB. */
export const DEFAULT_BODY_LIMIT = 10 * 1024 * 1024;

/** Rejects bodies over `maxBytes` with 413; validated once, when the app is built. */
export function bodyLimit(maxBytes: number = DEFAULT_BODY_LIMIT): MiddlewareHandler<AppEnv> {
  if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0) {
    throw new TypeError(`bodyLimit must be a positive integer, got ${maxBytes}`);
  }
  return honoBodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw payloadTooLarge(maxBytes);
    },
  });
}
