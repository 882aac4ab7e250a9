/** `POST /api/batch`: many record writes, all or nothing. */
import type { Hono } from "hono";
import { ruleContext } from "../../auth/rule-context";
import { runBatch } from "../../records/batch";
import { batchWrites, throttleRecordWrite } from "../auth-throttles";
import { batchBodyLimit, batchLimits } from "../batch-limits";
import type { AppEnv } from "../context";
import { attachBatchFiles, readRecordBody } from "../record-body";
import { type RecordRouteOptions, recordDeps } from "../record-deps";

/** Mounts the batch route. */
export function batchRoutes(app: Hono<AppEnv>, options: RecordRouteOptions): void {
  app.post("/api/batch", batchBodyLimit, async (c) => {
    const limits = batchLimits(c);
    const input = attachBatchFiles(await readRecordBody(c));
    for (const write of batchWrites(input, limits.maxRequests))
      await throttleRecordWrite(c, options.store, write);
    const { ctx: _ctx, ...base } = recordDeps(c, options);
    const outer = c.req.raw.headers;
    const responses = await runBatch(
      base,
      (request, query) => {
        const headers = new Headers(outer);
        for (const [name, value] of Object.entries(request.headers ?? {})) headers.set(name, value);
        return ruleContext({
          auth: c.var.auth ?? null,
          method: request.method,
          headers,
          query,
          body: request.body ?? {},
        });
      },
      input,
      limits,
    );
    return c.json(responses);
  });
}
