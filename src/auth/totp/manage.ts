/**
 * Managing a signed-in record's authenticator app (Edgebase extension): its status, enrol (secret and
 * `otpauth://` URI), confirm with a first code (recovery codes, shown once), disable with a code or the password.
 */
import { z } from "zod";
import type { AuthCollection } from "../../collections/collection";
import { badRequest, unauthorized } from "../../lib/errors";
import { parseInput } from "../../lib/parse-input";
import { readAuthRow } from "../flows/auth-records";
import { type AuthFlowDeps, findAuthCollection } from "../flows/deps";
import { MAX_PASSWORD_INPUT_LENGTH } from "../flows/input";
import { throttlePasswordCheck } from "../flows/throttle";
import { verifyPassword } from "../password";
import { hashRecoveryCode, newRecoveryCodes, newTotpSecret, totpUri } from "./codes";
import { sealSecret } from "./secret-box";
import {
  confirmTotp,
  countRecoveryCodes,
  deleteTotp,
  readTotp,
  storePendingTotp,
  type TotpRef,
} from "./store";
import { checkTotpCode, MAX_TOTP_CODE_LENGTH, secretAad } from "./verify";

const confirmSchema = z.object({ code: z.string().min(1).max(MAX_TOTP_CODE_LENGTH) });
const disableSchema = z
  .object({
    code: z.string().min(1).max(MAX_TOTP_CODE_LENGTH).optional(),
    password: z.string().min(1).max(MAX_PASSWORD_INPUT_LENGTH).optional(),
  })
  .refine((b) => (b.code === undefined) !== (b.password === undefined), {
    message: "Send either code or password.",
    path: ["code"],
  });

/** The 400 of a wrong, used or expired code (one answer whatever the reason). */
export function invalidTotpCode(): never {
  throw badRequest("Invalid or expired code.", {
    code: { code: "validation_invalid_totp", message: "Invalid or expired code." },
  });
}

/** The collection and the caller, who must be signed in as a record of it. */
async function signedIn(
  deps: AuthFlowDeps,
  collectionIdOrName: string,
): Promise<{ collection: AuthCollection; ref: TotpRef }> {
  const collection = await findAuthCollection(deps, collectionIdOrName);
  if (!deps.auth || deps.auth.collectionId !== collection.id) throw unauthorized();
  return { collection, ref: { collectionId: collection.id, recordId: deps.auth.id } };
}

/** What `GET totp` tells the signed-in owner (never the secret, which is shown only at enrolment). */
export interface TotpStatus {
  /** A confirmed authenticator signs in (an enrolment not yet confirmed does not count). */
  enabled: boolean;
  /** Unused recovery codes (0 when not enabled). */
  recoveryCodesLeft: number;
}

/** `GET totp`: whether the caller's authenticator app is enabled, and how many recovery codes are left. */
export async function totpStatus(deps: AuthFlowDeps, collectionIdOrName: string): Promise<TotpStatus> {
  const { ref } = await signedIn(deps, collectionIdOrName);
  const totp = await readTotp(deps.db, ref);
  if (totp?.confirmed !== 1) return { enabled: false, recoveryCodesLeft: 0 };
  return { enabled: true, recoveryCodesLeft: await countRecoveryCodes(deps.db, ref) };
}

/** `totp/enroll`: a new secret for the caller's authenticator app; replaces a pending one, never an enabled one. */
export async function enrollTotp(
  deps: AuthFlowDeps,
  collectionIdOrName: string,
): Promise<{ secret: string; uri: string }> {
  const { collection, ref } = await signedIn(deps, collectionIdOrName);
  const secret = await newTotpSecret();
  const sealed = await sealSecret(collection.tokenSecret, secretAad(ref), secret);
  if (!(await storePendingTotp(deps.db, ref, sealed))) {
    throw badRequest("An authenticator app is already enabled; disable it first.");
  }
  const label = typeof deps.auth?.email === "string" && deps.auth.email ? deps.auth.email : ref.recordId;
  return { secret, uri: await totpUri({ issuer: deps.appName, label, secret }) };
}

/** `totp/confirm`: a first code enables the authenticator and returns the recovery codes (shown only now). */
export async function confirmTotpEnrollment(
  deps: AuthFlowDeps,
  collectionIdOrName: string,
  input: unknown,
): Promise<{ recoveryCodes: string[] }> {
  const { collection, ref } = await signedIn(deps, collectionIdOrName);
  const { code } = parseInput(confirmSchema, input ?? {});
  if (!(await checkTotpCode(deps, collection, ref.recordId, code, { pending: true }))) invalidTotpCode();
  const recoveryCodes = newRecoveryCodes();
  const hashes = await Promise.all(
    recoveryCodes.map((c) => hashRecoveryCode(collection.tokenSecret, ref, c)),
  );
  await confirmTotp(deps.db, ref, hashes);
  return { recoveryCodes };
}

/** `totp/disable`: with a current code (or a recovery code) or the account password. */
export async function disableTotp(
  deps: AuthFlowDeps,
  collectionIdOrName: string,
  input: unknown,
): Promise<void> {
  const { collection, ref } = await signedIn(deps, collectionIdOrName);
  const body = parseInput(disableSchema, input ?? {});
  const totp = await readTotp(deps.db, ref);
  if (!totp) throw badRequest("No authenticator app is enabled.");
  if (body.code !== undefined) {
    const pending = totp.confirmed !== 1;
    const ok = await checkTotpCode(deps, collection, ref.recordId, body.code, {
      pending,
      recovery: !pending,
    });
    if (!ok) invalidTotpCode();
  } else {
    await throttlePasswordCheck(deps, collection.id, ref.recordId);
    const row = await readAuthRow(deps.db, collection, ref.recordId);
    const check = await verifyPassword(body.password ?? "", String(row?.password ?? ""));
    if (!row || !check.ok) {
      throw badRequest("Invalid password.", {
        password: { code: "validation_invalid_password", message: "Invalid password." },
      });
    }
  }
  await deleteTotp(deps.db, ref);
}
