/** Guards admin routes: guests get 401, authenticated non-superusers 403. */
import type { MiddlewareHandler } from "hono";
import { SUPERUSERS } from "../../collections";
import { forbidden, unauthorized } from "../../lib/errors";
import type { AppEnv } from "../context";

/** Middleware that lets only `_superusers` records through. */
export function requireSuperuser(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const auth = c.get("auth");
    if (!auth) throw unauthorized();
    if (auth.collectionName !== SUPERUSERS) throw forbidden("Only superusers can perform this action.");
    await next();
  };
}
