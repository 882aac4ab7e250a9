/**
 * `auth-with-totp` (Edgebase extension): an authenticator code or a recovery code. It completes a pending MFA
 * (`mfaId`), or, with `identity`, starts one where the collection's MFA applies to the record. Alone it signs in
 * only where the collection opts in (`totp.standalone`): six digits are weak against guessing spread over many
 * addresses, so that is the owner's choice, never the default.
 */
import { z } from "zod";
import type { AuthCollection } from "../../collections/collection";
import { badRequest } from "../../lib/errors";
import { parseInput } from "../../lib/parse-input";
import type { ViewParams } from "../../records/query-params";
import { type AuthRow, findByIdentity, readAuthRow } from "../flows/auth-records";
import { completeSignIn } from "../flows/complete-sign-in";
import { type AuthFlowDeps, findAuthCollection } from "../flows/deps";
import { MAX_IDENTITY_LENGTH } from "../flows/input";
import type { AuthResponse } from "../flows/issue";
import { mfaApplies, mfaIdShape } from "../mfa/gate";
import { findPendingMfa } from "../mfa/pending";
import { invalidTotpCode } from "./manage";
import { checkTotpCode, MAX_TOTP_CODE_LENGTH } from "./verify";

/** The body of `auth-with-totp`: the code, and either the pending `mfaId` or the identity. */
export const totpSignInSchema = z
  .object({
    code: z.string().min(1).max(MAX_TOTP_CODE_LENGTH),
    identity: z.string().min(1).max(MAX_IDENTITY_LENGTH).optional(),
    identityField: z.string().max(100).optional(),
    ...mfaIdShape,
  })
  .refine((b) => b.mfaId !== undefined || b.identity !== undefined, {
    message: "Send mfaId (to finish an MFA sign-in) or identity.",
    path: ["mfaId"],
  });

async function findRecord(
  deps: AuthFlowDeps,
  collection: AuthCollection,
  body: z.output<typeof totpSignInSchema>,
): Promise<AuthRow | undefined> {
  if (body.mfaId !== undefined) {
    // The gate in completeSignIn checks this pending MFA again (record, method, expiry) and spends it.
    const pending = await findPendingMfa(deps.db, body.mfaId);
    if (!pending || pending.collectionRef !== collection.id) return undefined;
    return readAuthRow(deps.db, collection, pending.recordRef);
  }
  return findByIdentity(deps.db, collection, body.identity ?? "", body.identityField);
}

/** Signs in with an authenticator or recovery code: an MFA method, or alone where `totp.standalone` is on. */
export async function authWithTotp(
  deps: AuthFlowDeps,
  collectionIdOrName: string,
  input: unknown,
  params: ViewParams,
): Promise<AuthResponse> {
  const collection = await findAuthCollection(deps, collectionIdOrName);
  const body = parseInput(totpSignInSchema, input ?? {});
  const row = await findRecord(deps, collection, body);
  // Unknown records are throttled and checked like known ones (no authenticator: the check fails).
  const subject = row?.id ?? `?${body.mfaId ?? body.identity?.toLowerCase()}`;
  if (!(await checkTotpCode(deps, collection, subject, body.code, { recovery: true })) || !row) {
    invalidTotpCode();
  }
  // Where MFA applies, completeSignIn answers 401 with an mfaId (the code is then the first factor).
  const alone = body.mfaId === undefined && !(await mfaApplies(deps, collection, row));
  if (alone && !collection.totp.standalone) {
    throw badRequest("An authenticator code is a second factor here: sign in with another method first.");
  }
  return completeSignIn(deps, collection, row, params, { method: "totp", mfaId: body.mfaId });
}
