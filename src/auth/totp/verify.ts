/** Checks a TOTP or recovery code of a record: throttled like a sign-in, each code accepted once. */
import type { AuthCollection } from "../../collections/collection";
import type { AuthFlowDeps } from "../flows/deps";
import { throttle } from "../flows/throttle";
import { AUTH_RATE_LIMITS } from "../rate-limit";
import { hashRecoveryCode, isRecoveryCode, matchTotp } from "./codes";
import { openSecret } from "./secret-box";
import { readTotp, spendRecoveryCode, spendStep, type TotpRef } from "./store";

/** Longest code read at all (a recovery code is 11 characters). */
export const MAX_TOTP_CODE_LENGTH = 32;

/** The additional data that binds a sealed secret to its record. */
export function secretAad(ref: TotpRef): string {
  return `${ref.collectionId}/${ref.recordId}`;
}

/** What a code may be checked against. */
export interface CodeCheckOptions {
  /** Accept a pending (unconfirmed) authenticator: only confirmation does. */
  pending?: boolean;
  /** Accept recovery codes (not for confirmation). */
  recovery?: boolean;
}

/**
 * True when `code` is a valid, unused TOTP code (±1 step) or recovery code of the record. Every attempt counts
 * against the account limiter (per record and per client IP), whether or not the record has an authenticator.
 */
export async function checkTotpCode(
  deps: Pick<AuthFlowDeps, "db" | "limiter" | "client">,
  collection: AuthCollection,
  recordId: string,
  code: string,
  options: CodeCheckOptions = {},
): Promise<boolean> {
  const limits = AUTH_RATE_LIMITS;
  await throttle(deps, "totp", `${collection.id}/${recordId}`, limits.signInPerAccount, limits.signInPerIp);
  const ref = { collectionId: collection.id, recordId };
  const totp = await readTotp(deps.db, ref);
  if (!totp || (totp.confirmed !== 1) !== (options.pending === true)) return false;
  if (isRecoveryCode(code)) {
    if (!options.recovery) return false;
    return spendRecoveryCode(deps.db, ref, await hashRecoveryCode(collection.tokenSecret, ref, code));
  }
  const secret = await openSecret(collection.tokenSecret, secretAad(ref), totp.secret);
  if (!secret) return false;
  const step = await matchTotp(secret, code.trim());
  return step !== undefined && (await spendStep(deps.db, ref, step));
}
