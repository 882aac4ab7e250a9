/**
 * The MFA gate, called by completeSignIn (the one place a first factor becomes a session): when a collection's
 * MFA applies to the record, a first factor answers 401 with a pending `mfaId`, and a different method presenting
 * that `mfaId` completes the sign-in. Every sign-in method (passkeys included) passes here with its method name.
 */
import { z } from "zod";
import type { AuthCollection } from "../../collections/collection";
import { ApiError, badRequest, type ErrorData } from "../../lib/errors";
import type { CollectionRef } from "../../records/deps";
import { readAccessible } from "../../records/view";
import { type AuthRow, recordDepsFor, selfContext, toAuthRecord } from "../flows/auth-records";
import type { AuthFlowDeps } from "../flows/deps";
import { createPendingMfa, deletePendingMfa, findPendingMfa, hasExpired, MAX_MFA_ID_LENGTH } from "./pending";

/** The optional `mfaId` of a sign-in body (sign-in schemas spread this in). */
export const mfaIdShape = { mfaId: z.string().max(MAX_MFA_ID_LENGTH).optional() };

/** The 401 of a first factor: the error shape plus the pending `mfaId` (PocketBase's SDK reads `mfaId`). */
export class MfaRequiredError extends ApiError {
  override name = "MfaRequiredError";
  readonly mfaId: string;

  constructor(mfaId: string) {
    super(401, "Please complete the authentication with another method (MFA).");
    this.mfaId = mfaId;
  }

  /** The public body: `{status, message, data, mfaId}`. */
  override toJSON(): { status: number; message: string; data: ErrorData; mfaId: string } {
    return { ...super.toJSON(), mfaId: this.mfaId };
  }
}

/** The one answer for an unusable `mfaId` (missing, expired, used, another record's, or the same method). */
function invalidMfa(message: string): ApiError {
  return badRequest(message, { mfaId: { code: "validation_invalid_mfa", message } });
}

/** True when the collection's MFA applies to the record (on, and its optional rule matches the record). */
export async function mfaApplies(
  deps: Pick<AuthFlowDeps, "db" | "store">,
  collection: AuthCollection,
  row: AuthRow,
): Promise<boolean> {
  if (!collection.mfa.enabled) return false;
  if (collection.mfa.rule === "") return true;
  const ctx = selfContext(toAuthRecord(collection, row), { context: "password" });
  const snapshot = await deps.store.snapshot(deps.db);
  const ref: CollectionRef = { snapshot, collection };
  try {
    return (await readAccessible(recordDepsFor(deps, ctx), ref, row.id, collection.mfa.rule)) !== undefined;
  } catch (error) {
    // A rule that cannot be evaluated for this record fails closed: MFA is required.
    if (error instanceof ApiError && error.status < 500) return true;
    throw error;
  }
}

/**
 * Lets a sign-in through, or stops it: without `mfaId` (and MFA applying) it stores a pending MFA and throws
 * {@link MfaRequiredError}; with `mfaId` it spends that pending MFA if it belongs to this record, was proven by
 * another method and has not expired, else throws a 400. A collection without MFA ignores `mfaId`.
 */
export async function mfaGate(
  deps: Pick<AuthFlowDeps, "db" | "store">,
  collection: AuthCollection,
  row: AuthRow,
  method: string,
  mfaId: string | undefined,
): Promise<void> {
  if (!(await mfaApplies(deps, collection, row))) return;
  if (!mfaId) {
    const id = await createPendingMfa(deps.db, { collectionId: collection.id, recordId: row.id, method });
    throw new MfaRequiredError(id);
  }
  const pending = await findPendingMfa(deps.db, mfaId);
  if (!pending || pending.collectionRef !== collection.id || pending.recordRef !== row.id) {
    throw invalidMfa("Invalid or expired MFA session.");
  }
  if (pending.method === method) {
    throw invalidMfa("The second factor must be a different sign-in method than the first.");
  }
  if (hasExpired(pending, collection.mfa.duration)) {
    await deletePendingMfa(deps.db, pending.id);
    throw invalidMfa("Invalid or expired MFA session.");
  }
  if (!(await deletePendingMfa(deps.db, pending.id))) throw invalidMfa("Invalid or expired MFA session.");
}
