/**
 * Request logs: after the response, each request becomes one entry in the log buffer (under the `logs`
 * settings), and the buffer is flushed to the LOGS database through waitUntil: never on the critical path,
 * and a failing LOGS database never fails a request.
 */
import type { MiddlewareHandler } from "hono";
import { type LogWriter, requestEntry } from "../../ops/logs";
import { clientIpOf } from "../../ops/ratelimits";
import { defaultSettings } from "../../ops/settings";
import type { AppEnv } from "../context";
import { toApiError } from "../on-error";
import { deferOf } from "../record-deps";

/** Middleware recording each request into `writer`; mount it right after the request context. */
export function requestLog(writer: LogWriter): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    try {
      const settings = c.var.settings ?? defaultSettings(c.env);
      const auth = c.var.auth;
      const status = c.res.status;
      const entry = requestEntry(
        {
          method: c.req.method,
          url: new URL(c.req.url).pathname + new URL(c.req.url).search,
          status,
          execTime: Math.round((performance.now() - started) * 1000) / 1000,
          remoteIP: clientIpOf((n) => c.req.header(n), settings.trustedProxy),
          userAgent: c.req.header("user-agent") ?? "",
          referer: c.req.header("referer") ?? "",
          auth: auth?.collectionName ?? "",
          authId: auth?.id ?? "",
          requestId: c.var.requestId,
          error: c.error && status >= 400 ? toApiError(c.error).message : undefined,
        },
        settings.logs,
      );
      if (entry) writer.add(entry);
      const flush = writer.flush(c.env.LOGS);
      const defer = deferOf(c);
      if (defer) defer(flush);
    } catch (error) {
      c.var.log.warn("request log skipped", { error: String(error) });
    }
  };
}
