/** Edgebase sessions of the caller: GET /api/sessions, DELETE /api/sessions/{id}, logout, logout-all. */
import type { Hono } from "hono";
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
}
