/** Sets `c.var.auth` from a pluggable authenticate hook (token verification plugs in here). */
import type { Context, MiddlewareHandler } from "hono";
import type { AuthRecord } from "../../rules/context";
import type { AppEnv } from "../context";

/** Resolves the caller of a request: its auth record, or null for a guest. */
export type Authenticate = (c: Context<AppEnv>) => Promise<AuthRecord | null>;

/** Middleware that runs `authenticate` once per request and stores the result in `c.var.auth`. */
export function authenticate(resolve: Authenticate): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set("auth", await resolve(c));
    await next();
  };
}
