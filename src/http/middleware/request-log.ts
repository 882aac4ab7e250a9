/**
 * Request logs: after the response, each request becomes one entry in the log buffer (under the `logs`
 * settings), and the buffer is flushed to the LOGS database through waitUntil: never on the critical path,
 * and a failing LOGS database never fails a request.
 */
import type { MiddlewareHandler } from "hono";
import { type LogWriter, type RequestFacts, requestEntry, requestLevel, shouldStore } from "../../ops/logs";
import { clientIpOf } from "../../ops/ratelimits";
import { defaultSettings } from "../../ops/settings";
import type { AppEnv } from "../context";
import { toApiError } from "../on-error";
import { deferOf } from "../record-deps";

/**
 * Middleware recording each request into `writer`; mount it right after the request context. On the
 * request's own time it only checks the level against the settings and keeps a few references; the entry
 * (URL parse, client IP, id, timestamp) is built by the flush, which waitUntil runs after the response.
 */
export function requestLog(writer: LogWriter): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    try {
      const settings = c.get("settings") ?? defaultSettings(c.env);
      const status = c.res.status;
      if (shouldStore(settings.logs, requestLevel(status))) {
        const execTime = Math.round((performance.now() - started) * 1000) / 1000;
        // The entry's time is the response's, not the flush's; the settings are the ones this request saw.
        const now = Date.now();
        const { logs, trustedProxy } = settings;
        const { method, url } = c.req;
        const headers = c.req.raw.headers;
        const header = (name: string) => headers.get(name) ?? undefined;
        const auth = c.get("auth");
        const facts: Omit<RequestFacts, "url" | "remoteIP" | "userAgent" | "referer"> = {
          method,
          status,
          execTime,
          auth: auth?.collectionName ?? "",
          authId: auth?.id ?? "",
          requestId: c.get("requestId"),
          error: c.error && status >= 400 ? toApiError(c.error).message : undefined,
        };
        writer.add(() => {
          const parsed = new URL(url);
          return requestEntry(
            {
              ...facts,
              url: parsed.pathname + parsed.search,
              remoteIP: logs.logIP ? clientIpOf(header, trustedProxy) : "",
              userAgent: header("user-agent") ?? "",
              referer: header("referer") ?? "",
            },
            logs,
            new Date(now),
          );
        });
      }
      const flush = writer.flushSoon(c.env.LOGS);
      if (flush) deferOf(c)?.(flush);
    } catch (error) {
      c.get("log").warn("request log skipped", { error: String(error) });
    }
  };
}
