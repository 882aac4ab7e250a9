/** `?fields=` on every JSON response (as PocketBase), except where a route already projected its records. */
import type { MiddlewareHandler } from "hono";
import { pickResponse } from "../../records/projection";
import { parseFields } from "../../records/query-params";
import type { AppEnv } from "../context";

/**
 * Middleware: parses `fields` before the route runs (a bad value is a 400 with nothing done), then picks the
 * listed keys from a successful JSON response. Records routes project inside the engine (so excerpts and
 * ETags match what is sent) and set `projected`, which this skips.
 */
export function pickFields(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const entries = parseFields(c.req.query("fields"));
    await next();
    if (!entries || c.get("projected")) return;
    const { res } = c;
    if (res.status < 200 || res.status > 299) return;
    if (!res.headers.get("content-type")?.startsWith("application/json")) return;
    const picked = pickResponse(await res.json(), entries);
    const headers = new Headers(res.headers);
    headers.delete("content-length");
    c.res = undefined;
    c.res = new Response(JSON.stringify(picked), { status: res.status, headers });
  };
}
