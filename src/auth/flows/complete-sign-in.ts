/**
 * The one place a first-factor sign-in becomes a session. Every sign-in method (password, OTP, OAuth2, TOTP,
 * passkey) ends here, so the MFA gate, auth alerts and the sign-in hooks have a single home.
 */
import type { AuthCollection } from "../../collections/collection";
import type { ViewParams } from "../../records/query-params";
import { authHookInput } from "./auth-hooks";
import type { AuthRow } from "./auth-records";
import type { AuthFlowDeps } from "./deps";
import { type AuthResponse, issueAuth } from "./issue";

/** How the user proved who they are (PocketBase's MFA method names, plus Edgebase's extensions). */
export type SignInMethod = "password" | "otp" | "oauth2" | "totp" | "passkey";

/** What a sign-in method knows besides the record. */
export interface SignInOptions {
  method: SignInMethod;
  /** The `mfaId` of a pending multi-factor sign-in this method completes. */
  mfaId?: string;
  /** Extra fields for the response's `meta` (OAuth2's provider data). */
  meta?: Record<string, unknown>;
}

/** Completes a sign-in: the authRule, a new session, the tokens and the record (and `meta` when given). */
export async function completeSignIn(
  deps: AuthFlowDeps,
  collection: AuthCollection,
  row: AuthRow,
  params: ViewParams,
  options: SignInOptions,
): Promise<AuthResponse> {
  const hooks = deps.authHooks;
  const input = hooks && authHookInput(collection, row, options.method);
  if (hooks && input) await hooks.beforeSignIn(input);
  const response = await issueAuth(deps, collection, row, params);
  if (hooks && input) {
    const after = hooks.afterSignIn(input);
    if (deps.waitUntil) deps.waitUntil(after);
    else await after;
  }
  return options.meta ? { ...response, meta: options.meta } : response;
}
