/** Passkey routes of every auth collection: register/list/delete (signed in) and sign-in (Edgebase extension). */
import type { Hono } from "hono";
import {
  deletePasskey,
  listPasskeys,
  passkeyRegistrationOptions,
  registerPasskey,
} from "../../auth/passkeys/register";
import { authWithPasskey, passkeySignInOptions } from "../../auth/passkeys/sign-in";
import { parseViewParams } from "../../records/query-params";
import { type AuthRouteOptions, authDeps } from "../auth-deps";
import type { AppEnv } from "../context";
import { readRecordBody } from "../record-body";

const BASE = "/api/collections/:collection";

/** Mounts the passkey routes. */
export function passkeyRoutes(app: Hono<AppEnv>, options: AuthRouteOptions): void {
  app.post(`${BASE}/passkeys/registration-options`, async (c) => {
    return c.json(await passkeyRegistrationOptions(authDeps(c, options), c.req.param("collection")));
  });

  app.post(`${BASE}/passkeys`, async (c) => {
    const body = await readRecordBody(c);
    return c.json(await registerPasskey(authDeps(c, options), c.req.param("collection"), body));
  });

  app.get(`${BASE}/passkeys`, async (c) => {
    return c.json(await listPasskeys(authDeps(c, options), c.req.param("collection")));
  });

  app.delete(`${BASE}/passkeys/:id`, async (c) => {
    await deletePasskey(authDeps(c, options), c.req.param("collection"), c.req.param("id"));
    return c.body(null, 204);
  });

  app.post(`${BASE}/passkey-options`, async (c) => {
    const body = await readRecordBody(c);
    return c.json(await passkeySignInOptions(authDeps(c, options), c.req.param("collection"), body));
  });

  app.post(`${BASE}/auth-with-passkey`, async (c) => {
    const body = await readRecordBody(c);
    const params = { ...parseViewParams(c.req.query()), fields: null };
    return c.json(await authWithPasskey(authDeps(c, options), c.req.param("collection"), body, params));
  });
}
