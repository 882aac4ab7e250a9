/** Auth routes of every auth collection under /api/collections/{c}/…: sign-in methods, refresh, emails, OTP. */
import type { Context, Hono } from "hono";
import { authMethods } from "../../auth/flows/auth-methods";
import { confirmEmailChange, requestEmailChange } from "../../auth/flows/email-change";
import {
  confirmPasswordReset,
  confirmVerification,
  requestPasswordReset,
  requestVerification,
} from "../../auth/flows/email-links";
import { impersonate } from "../../auth/flows/impersonate";
import { authWithOtp, requestOtp } from "../../auth/flows/otp-sign-in";
import { authWithPassword } from "../../auth/flows/password-sign-in";
import { authRefresh } from "../../auth/flows/refresh";
import { authWithOAuth2 } from "../../auth/oauth2/sign-in";
import { parseViewParams, type ViewParams } from "../../records/query-params";
import { type AuthRouteOptions, authDeps } from "../auth-deps";
import type { AppEnv } from "../context";
import { presentedToken } from "../middleware/auth";
import { readRecordBody } from "../record-body";

/** `expand` applies to the record; `fields` applies to the whole response (the generic picker), as PocketBase. */
function recordParams(query: Record<string, string>): ViewParams {
  return { ...parseViewParams(query), fields: null };
}

const BASE = "/api/collections/:collection";
const AUTH_REFRESH_PATH = /^\/api\/collections\/[^/]+\/auth-refresh$/;

/**
 * Whether a request is `POST …/auth-refresh`: its D1 session starts on the primary (app.ts), so the token
 * middleware's read of the record is the primary read the flow needs, and the flow reuses it.
 */
export function isAuthRefreshRequest(method: string, path: string): boolean {
  return method === "POST" && AUTH_REFRESH_PATH.test(path);
}

/**
 * A sign-in body with the `mfaId` of the query when the body has none: PocketBase reads it from either, and the
 * SDK sends `authWithOTP(otpId, code, { mfaId })` as a query parameter.
 */
export async function signInBody(c: Context<AppEnv>): Promise<Record<string, unknown>> {
  const body = await readRecordBody(c);
  const mfaId = c.req.query("mfaId");
  return mfaId === undefined || "mfaId" in body ? body : { ...body, mfaId };
}

type NoContentFlow = (deps: ReturnType<typeof authDeps>, collection: string, input: unknown) => Promise<void>;

/** Mounts the auth routes. */
export function authRoutes(app: Hono<AppEnv>, options: AuthRouteOptions): void {
  const noContent = (flow: NoContentFlow) => async (c: Context<AppEnv>) => {
    const body = await readRecordBody(c);
    await flow(authDeps(c, options), c.req.param("collection") ?? "", body);
    return c.body(null, 204);
  };

  app.get(`${BASE}/auth-methods`, async (c) => {
    return c.json(await authMethods(authDeps(c, options), c.req.param("collection")));
  });

  app.post(`${BASE}/auth-with-password`, async (c) => {
    const body = await signInBody(c);
    const params = recordParams(c.req.query());
    return c.json(await authWithPassword(authDeps(c, options), c.req.param("collection"), body, params));
  });

  app.post(`${BASE}/auth-refresh`, async (c) => {
    const body = await readRecordBody(c);
    const params = recordParams(c.req.query());
    const deps = authDeps(c, options);
    return c.json(await authRefresh(deps, c.req.param("collection"), body, params, presentedToken(c)));
  });

  app.post(`${BASE}/request-verification`, noContent(requestVerification));
  app.post(`${BASE}/confirm-verification`, noContent(confirmVerification));
  app.post(`${BASE}/request-password-reset`, noContent(requestPasswordReset));
  app.post(`${BASE}/confirm-password-reset`, noContent(confirmPasswordReset));
  app.post(`${BASE}/request-email-change`, noContent(requestEmailChange));
  app.post(`${BASE}/confirm-email-change`, noContent(confirmEmailChange));

  app.post(`${BASE}/request-otp`, async (c) => {
    const body = await readRecordBody(c);
    return c.json(await requestOtp(authDeps(c, options), c.req.param("collection"), body));
  });

  app.post(`${BASE}/auth-with-otp`, async (c) => {
    const body = await signInBody(c);
    const params = recordParams(c.req.query());
    return c.json(await authWithOtp(authDeps(c, options), c.req.param("collection"), body, params));
  });

  app.post(`${BASE}/auth-with-oauth2`, async (c) => {
    const body = await signInBody(c);
    const params = recordParams(c.req.query());
    return c.json(await authWithOAuth2(authDeps(c, options), c.req.param("collection"), body, params));
  });

  app.post(`${BASE}/impersonate/:id`, async (c) => {
    const body = await readRecordBody(c);
    const params = recordParams(c.req.query());
    const deps = authDeps(c, options);
    return c.json(await impersonate(deps, c.req.param("collection"), c.req.param("id"), body, params));
  });
}
