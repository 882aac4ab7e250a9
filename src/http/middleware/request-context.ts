/** Sets the request id and a request-scoped logger, echoes the id, and logs one line per request. */
import type { MiddlewareHandler } from "hono";
import type { Logger } from "../../observability/logger";
import { REQUEST_ID_HEADER, resolveRequestId } from "../../observability/request-id";
import type { AppEnv } from "../context";

/** Middleware that must run first: everything after it can use `c.var.requestId` and `c.var.log`. */
export function requestContext(log: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    const requestId = resolveRequestId(c.req.header(REQUEST_ID_HEADER));
    const requestLog = log.child({ requestId });
    c.set("requestId", requestId);
    c.set("log", requestLog);
    c.set("auth", null);
    await next();
    setHeader(c.res, requestId, (res) => {
      c.res = res;
    });
    // Skipped whole when nothing takes info lines (logLevel above info): its fields are built per request.
    if (!requestLog.enabled("info")) return;
    requestLog.info("request", {
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      durationMs: Math.round((performance.now() - started) * 100) / 100,
    });
  };
}

function setHeader(res: Response, requestId: string, replace: (res: Response) => void): void {
  try {
    res.headers.set(REQUEST_ID_HEADER, requestId);
  } catch {
    // Responses proxied from fetch/Durable Objects have immutable headers; a WebSocket upgrade cannot be copied.
    if (res.status === 101) return;
    const copy = new Response(res.body, res);
    copy.headers.set(REQUEST_ID_HEADER, requestId);
    replace(copy);
  }
}
