/** `auth-with-password`: throttled, enumeration-safe password sign-in that starts a session. */
import { z } from "zod";
import { badRequest, forbidden } from "../../lib/errors";
import { parseInput } from "../../lib/parse-input";
import type { ViewParams } from "../../records/query-params";
import { mfaIdShape } from "../mfa";
import { dummyVerify, hashPassword, verifyPassword } from "../password";
import { AUTH_RATE_LIMITS } from "../rate-limit";
import { findByIdentity, updateAuthRow } from "./auth-records";
import { completeSignIn } from "./complete-sign-in";
import { type AuthFlowDeps, findAuthCollection } from "./deps";
import { MAX_IDENTITY_LENGTH, MAX_PASSWORD_INPUT_LENGTH } from "./input";
import type { AuthResponse } from "./issue";
import { throttle } from "./throttle";

/** The body of `auth-with-password`. */
export const passwordSignInSchema = z.object({
  identity: z.string().min(1).max(MAX_IDENTITY_LENGTH),
  password: z.string().min(1).max(MAX_PASSWORD_INPUT_LENGTH),
  identityField: z.string().max(100).optional(),
  ...mfaIdShape,
});

/** The one failure answer for unknown identities and wrong passwords alike. */
export function signInFailed() {
  return badRequest("Failed to authenticate.");
}

/**
 * Signs in with an identity and password. Unknown identities spend a dummy hash and get the same 400 as a
 * wrong password; hashes made with older parameters are upgraded on success.
 */
export async function authWithPassword(
  deps: AuthFlowDeps,
  collectionIdOrName: string,
  input: unknown,
  params: ViewParams,
): Promise<AuthResponse> {
  const collection = await findAuthCollection(deps, collectionIdOrName);
  if (!collection.passwordAuth.enabled) {
    throw forbidden("The collection is not configured to allow password authentication.");
  }
  const body = parseInput(passwordSignInSchema, input ?? {});
  const limits = AUTH_RATE_LIMITS;
  const account = `${collection.id}/${body.identity.toLowerCase()}`;
  await throttle(deps, "signIn", account, limits.signInPerAccount, limits.signInPerIp);
  const row = await findByIdentity(deps.db, collection, body.identity, body.identityField);
  if (!row) {
    await dummyVerify(body.password);
    throw signInFailed();
  }
  const check = await verifyPassword(body.password, String(row.password ?? ""));
  if (!check.ok) throw signInFailed();
  const current = check.needsRehash
    ? ((await updateAuthRow(deps, collection, row.id, { password: await hashPassword(body.password) })) ??
      row)
    : row;
  return completeSignIn(deps, collection, current, params, { method: "password", mfaId: body.mfaId });
}
