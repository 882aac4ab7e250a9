/**
 * Edgebase sessions of the caller (GET /api/sessions, DELETE /api/sessions/{id}, logout, logout-all) and, for
 * superusers, of any auth record (`/api/collections/{c}/records/{id}/sessions`).
 */
import type { Hono } from "hono";
import { listRecordSessions, revokeRecordSession } from "../../auth/flows/record-sessions";
import { listOwnSessions, logout, logoutAll, revokeOwnSession } from "../../auth/flows/sessions";
import { type AuthRouteOptions, authDeps } from "../auth-deps";
import type { AppEnv } from "../context";

/** Mounts the sessions routes (every one needs a verified access token: 401 otherwise). */
export function sessionRoutes(app: Hono<AppEnv>, options: AuthRouteOptions): void {
  app.get("/api/sessions", async (c) => {
    return c.json(await listOwnSessions(authDeps(c, options), c.var.authToken ?? null));
  });

  app.post("/api/sessions/logout", async (c) => {
    await logout(authDeps(c, options), c.var.authToken ?? null);
    return c.body(null, 204);
  });

  app.post("/api/sessions/logout-all", async (c) => {
    await logoutAll(authDeps(c, options), c.var.authToken ?? null);
    return c.body(null, 204);
  });

  app.delete("/api/sessions/:id", async (c) => {
    await revokeOwnSession(authDeps(c, options), c.var.authToken ?? null, c.req.param("id"));
    return c.body(null, 204);
  });

  const record = "/api/collections/:collection/records/:id/sessions";
  app.get(record, async (c) => {
    const deps = authDeps(c, options);
    return c.json(await listRecordSessions(deps, c.req.param("collection"), c.req.param("id")));
  });

  app.delete(`${record}/:sessionId`, async (c) => {
    const deps = authDeps(c, options);
    await revokeRecordSession(deps, c.req.param("collection"), c.req.param("id"), c.req.param("sessionId"));
    return c.body(null, 204);
  });
}
