/** Auth routes of every auth collection: /api/collections/{c}/auth-methods, auth-with-password, auth-refresh, …. */
import type { Hono } from "hono";
import { authMethods } from "../../auth/flows/auth-methods";
import { authWithPassword } from "../../auth/flows/password-sign-in";
import { authRefresh } from "../../auth/flows/refresh";
import { parseViewParams } from "../../records/query-params";
import { type AuthRouteOptions, authDeps } from "../auth-deps";
import { readJsonObject } from "../body";
import type { AppEnv } from "../context";
import { readRecordBody } from "../record-body";

const BASE = "/api/collections/:collection";

/** Mounts the auth routes. */
export function authRoutes(app: Hono<AppEnv>, options: AuthRouteOptions): void {
  app.get(`${BASE}/auth-methods`, async (c) => {
    return c.json(await authMethods(authDeps(c, options), c.req.param("collection")));
  });

  app.post(`${BASE}/auth-with-password`, async (c) => {
    const body = await readRecordBody(c);
    const params = parseViewParams(c.req.query());
    return c.json(await authWithPassword(authDeps(c, options), c.req.param("collection"), body, params));
  });

  app.post(`${BASE}/auth-refresh`, async (c) => {
    const body = await readJsonObject(c);
    const params = parseViewParams(c.req.query());
    const deps = authDeps(c, options);
    return c.json(await authRefresh(deps, c.req.param("collection"), body, params, c.var.authToken ?? null));
  });
}
