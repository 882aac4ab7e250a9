/** `POST /api/batch`: many record writes, all or nothing. */
import type { Hono } from "hono";
import { runBatch } from "../../records/batch";
import type { AppEnv } from "../context";
import { readRecordBody } from "../record-body";
import { buildRuleContext, type RecordRouteOptions, recordDeps } from "../rule-context";

/** Mounts the batch route. */
export function batchRoutes(app: Hono<AppEnv>, options: RecordRouteOptions): void {
  app.post("/api/batch", async (c) => {
    const input = await readRecordBody(c);
    const { ctx: _ctx, ...base } = recordDeps(c, options);
    const outer = c.req.raw.headers;
    const responses = await runBatch(
      base,
      (request, query) => {
        const headers = new Headers(outer);
        for (const [name, value] of Object.entries(request.headers ?? {})) headers.set(name, value);
        return buildRuleContext({
          auth: c.var.auth ?? null,
          method: request.method,
          headers,
          query,
          body: request.body ?? {},
        });
      },
      input,
      options.batch?.maxRequests,
    );
    return c.json(responses);
  });
}
