/** `/api/crons`: the registered jobs, and running one now (in the background, as PocketBase does). */
import type { Hono } from "hono";
import { notFound } from "../../lib/errors";
import { type CronRegistry, runJob } from "../../ops/crons";
import type { AppEnv } from "../context";
import { requireSuperuser } from "../middleware/require-superuser";
import { deferOf } from "../record-deps";

/** Mounts the crons routes over the app's job registry. */
export function cronRoutes(app: Hono<AppEnv>, registry: CronRegistry): void {
  const guard = requireSuperuser();
  app.get("/api/crons", guard, (c) => c.json(registry.list()));
  app.post("/api/crons/:id", guard, (c) => {
    const job = registry.get(c.req.param("id"));
    if (!job) throw notFound("Missing or invalid cron job.");
    const defer = deferOf(c);
    const run = runJob(job, {
      env: c.env,
      now: new Date(),
      log: c.var.log,
      scheduled: false,
      waitUntil: defer ?? (() => undefined),
    });
    defer?.(run);
    return c.body(null, 204);
  });
}
