/**
 * The one place a first-factor sign-in becomes a session. Every sign-in method (password, OTP, OAuth2, TOTP,
 * passkey) ends here, so the MFA gate, auth alerts and the sign-in hooks have a single home.
 */
import type { AuthCollection } from "../../collections/collection";
import type { ViewParams } from "../../records/query-params";
import { mfaGate } from "../mfa";
import { checkAuthOrigin } from "./auth-alert";
import { authHookInput } from "./auth-hooks";
import type { AuthRow } from "./auth-records";
import { type AuthFlowDeps, runLater } from "./deps";
import { type AuthResponse, assertAuthRule, issueAuth } from "./issue";

/** How the user proved who they are (PocketBase's MFA method names, plus Edgebase's extensions). */
export type SignInMethod = "password" | "otp" | "oauth2" | "totp" | "passkey";

/** What a sign-in method knows besides the record. */
export interface SignInOptions {
  method: SignInMethod;
  /** The `mfaId` of a pending multi-factor sign-in this method completes. */
  mfaId?: string;
  /** Extra fields for the response's `meta` (OAuth2's provider data). */
  meta?: Record<string, unknown>;
  /** The OAuth2 provider's name (recorded with the session). */
  provider?: string;
}

/**
 * Completes a sign-in: the authRule, the MFA gate (a first factor answers 401 with `mfaId` where MFA applies),
 * a new session, the tokens and the record (and `meta` when given); then, after the response, the new-origin
 * alert.
 */
export async function completeSignIn(
  deps: AuthFlowDeps,
  collection: AuthCollection,
  row: AuthRow,
  params: ViewParams,
  options: SignInOptions,
): Promise<AuthResponse> {
  // The authRule comes first, as in PocketBase: a record that may not sign in never gets a pending MFA.
  await assertAuthRule(deps, collection, row);
  await mfaGate(deps, collection, row, options.method, options.mfaId);
  // Hooks see only sign-ins that are about to issue a session (not a first factor that answered with mfaId).
  const hooks = deps.authHooks;
  const input = hooks && authHookInput(collection, row, options.method);
  if (hooks && input) await hooks.beforeSignIn(input);
  const response = await issueAuth(deps, collection, row, params, {
    skipAuthRule: true,
    method: options.method,
    provider: options.provider,
  });
  if (hooks && input) {
    const after = hooks.afterSignIn(input);
    if (deps.waitUntil) deps.waitUntil(after);
    else await after;
  }
  await runLater(deps, "auth alert", () => checkAuthOrigin(deps, collection, row));
  return options.meta ? { ...response, meta: options.meta } : response;
}
