/** `/api/logs`: list, view, per-hour stats and delete of the request and application logs; superusers only. */
import type { Hono } from "hono";
import { deleteLogs, listLogs, logStats, viewLog } from "../../ops/logs";
import type { AppEnv } from "../context";
import { requireSuperuser } from "../middleware/require-superuser";

/** Mounts the logs routes (they read the LOGS database). */
export function logsRoutes(app: Hono<AppEnv>): void {
  const guard = requireSuperuser();
  app.get("/api/logs", guard, async (c) => c.json(await listLogs(c.env.LOGS, c.req.query())));
  app.get("/api/logs/stats", guard, async (c) => c.json(await logStats(c.env.LOGS, c.req.query("filter"))));
  app.get("/api/logs/:id", guard, async (c) => c.json(await viewLog(c.env.LOGS, c.req.param("id"))));
  app.delete("/api/logs", guard, async (c) => {
    await deleteLogs(c.env.LOGS, c.req.query("filter"));
    return c.body(null, 204);
  });
}
