/** Adds `x-edgebase-version` (the running release) to every response, errors and proxied ones included. */
import type { MiddlewareHandler } from "hono";
import { EDGEBASE_VERSION } from "../../lib/version";
import type { AppEnv } from "../context";

/** The header naming the Edgebase release that answered. */
export const VERSION_HEADER = "x-edgebase-version";

/** Middleware that sets {@link VERSION_HEADER} after the rest of the chain (and on-error) produced a response. */
export function edgebaseVersion(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    try {
      c.res.headers.set(VERSION_HEADER, EDGEBASE_VERSION);
    } catch {
      // Proxied responses (fetch, Durable Objects) have immutable headers; an upgrade (101) cannot be copied.
      if (c.res.status === 101) return;
      const copy = new Response(c.res.body, c.res);
      copy.headers.set(VERSION_HEADER, EDGEBASE_VERSION);
      c.res = copy;
    }
  };
}
