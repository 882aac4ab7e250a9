/** TOTP routes of every auth collection (Edgebase extension): status, enrol, confirm, disable, `auth-with-totp`. */
import type { Hono } from "hono";
import { authWithTotp, confirmTotpEnrollment, disableTotp, enrollTotp, totpStatus } from "../../auth/totp";
import { parseViewParams } from "../../records/query-params";
import { type AuthRouteOptions, authDeps } from "../auth-deps";
import type { AppEnv } from "../context";
import { readRecordBody } from "../record-body";
import { signInBody } from "./auth";

const BASE = "/api/collections/:collection";

/** Mounts the TOTP routes. */
export function totpRoutes(app: Hono<AppEnv>, options: AuthRouteOptions): void {
  app.get(`${BASE}/totp`, async (c) => {
    return c.json(await totpStatus(authDeps(c, options), c.req.param("collection")));
  });

  app.post(`${BASE}/totp/enroll`, async (c) => {
    return c.json(await enrollTotp(authDeps(c, options), c.req.param("collection")));
  });

  app.post(`${BASE}/totp/confirm`, async (c) => {
    const body = await readRecordBody(c);
    return c.json(await confirmTotpEnrollment(authDeps(c, options), c.req.param("collection"), body));
  });

  app.post(`${BASE}/totp/disable`, async (c) => {
    const body = await readRecordBody(c);
    await disableTotp(authDeps(c, options), c.req.param("collection"), body);
    return c.body(null, 204);
  });

  app.post(`${BASE}/auth-with-totp`, async (c) => {
    const body = await signInBody(c);
    const params = { ...parseViewParams(c.req.query()), fields: null };
    return c.json(await authWithTotp(authDeps(c, options), c.req.param("collection"), body, params));
  });
}
