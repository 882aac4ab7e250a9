/** The batch settings as REST's `POST /api/batch` and GraphQL's `batch` mutation enforce them. */
import type { Context, MiddlewareHandler } from "hono";
import { ApiError } from "../lib/errors";
import { defaultSettings } from "../ops/settings";
import type { BatchLimits } from "../records/batch";
import type { AppEnv } from "./context";
import { bodyLimit } from "./middleware/body-limit";

/** The batch limits in force (settings `batch`), or a 403 when batches are off, as PocketBase answers. */
export function batchLimits(c: Context<AppEnv>): BatchLimits {
  const { batch } = c.var.settings ?? defaultSettings(c.env);
  if (!batch.enabled) throw new ApiError(403, "Batch requests are not allowed.");
  return { maxRequests: batch.maxRequests, timeoutMs: batch.timeout * 1000 };
}

/** `batch.maxBodySize` for the batch route: narrower than the app-wide body limit when set. */
export const batchBodyLimit: MiddlewareHandler<AppEnv> = async (c, next) => {
  const max = (c.var.settings ?? defaultSettings(c.env)).batch.maxBodySize;
  return max > 0 ? bodyLimit(max)(c, next) : next();
};
