/** `request-otp` / `auth-with-otp`: an emailed one-time code signs in; codes live hashed in the `_otps` table. */
import { z } from "zod";
import type { AuthCollection } from "../../collections/collection";
import type { D1Like } from "../../db/sql";
import { randomToken } from "../../lib/bytes";
import { badRequest } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { parseInput } from "../../lib/parse-input";
import type { ViewParams } from "../../records/query-params";
import { mfaIdShape, pendingProvenBy } from "../mfa";
import { createOtp, OTP_MAX_LENGTH, OTP_MIN_LENGTH, verifyOtpCode } from "../otp";
import { hashPassword } from "../password";
import { AUTH_RATE_LIMITS } from "../rate-limit";
import { authMail } from "./auth-mail";
import { findByEmail, readAuthRow, updateAuthRow } from "./auth-records";
import { completeSignIn } from "./complete-sign-in";
import { type AuthFlowDeps, findAuthCollection, mailSetup, runLater } from "./deps";
import { throttleEmail } from "./email-links";
import { MAX_IDENTITY_LENGTH } from "./input";
import { type AuthResponse, endAllSessions } from "./issue";
import { throttle } from "./throttle";

/** Wrong codes tolerated per OTP before it is deleted (the per-OTP rate limit also applies). */
export const OTP_MAX_ATTEMPTS = 5;
/** Live OTPs kept per record; requesting more drops the oldest. */
export const OTP_MAX_PER_RECORD = 5;

const requestSchema = z.object({ email: z.string().min(1).max(MAX_IDENTITY_LENGTH) });
const signInSchema = z.object({
  otpId: z.string().min(1).max(64),
  password: z.string().max(64),
  ...mfaIdShape,
});

interface OtpRow {
  id: string;
  collectionRef: string;
  recordRef: string;
  hash: string;
  sentTo: string;
  attempts: number;
  expires: number;
}

function otpDisabled(): never {
  throw badRequest("The collection is not configured to allow OTP authentication.");
}

function invalidOtp(): never {
  throw badRequest("Invalid or expired OTP.", {
    password: { code: "validation_invalid_otp", message: "Invalid or expired OTP." },
  });
}

async function storeOtp(db: D1Like, collection: AuthCollection, recordId: string, email: string) {
  const otpId = newId();
  const length = Math.min(OTP_MAX_LENGTH, Math.max(OTP_MIN_LENGTH, collection.otp.length));
  const issued = await createOtp(
    { otpId, secret: collection.tokenSecret },
    { length, ttlSeconds: collection.otp.duration },
  );
  const now = Date.now();
  await db.batch([
    db.prepare("DELETE FROM _otps WHERE expires <= ?").bind(now),
    db
      .prepare(
        "INSERT INTO _otps (id, collectionRef, recordRef, hash, sentTo, attempts, expires) VALUES (?, ?, ?, ?, ?, 0, ?)",
      )
      .bind(otpId, collection.id, recordId, issued.hash, email, issued.expiresAt.getTime()),
    db
      .prepare(
        `DELETE FROM _otps WHERE collectionRef = ? AND recordRef = ? AND id NOT IN (
           SELECT id FROM _otps WHERE collectionRef = ? AND recordRef = ? ORDER BY expires DESC LIMIT ?)`,
      )
      .bind(collection.id, recordId, collection.id, recordId, OTP_MAX_PER_RECORD),
  ]);
  return { otpId, code: issued.code };
}

/**
 * `request-otp`: emails a code to the account and returns `{otpId}`. Unknown emails get a random otpId that
 * never verifies, so the answer does not reveal whether the account exists.
 */
export async function requestOtp(
  deps: AuthFlowDeps,
  collectionIdOrName: string,
  input: unknown,
): Promise<{ otpId: string }> {
  const collection = await findAuthCollection(deps, collectionIdOrName);
  if (!collection.otp.enabled) otpDisabled();
  const { mailer } = mailSetup(deps, { links: false });
  const { email } = parseInput(requestSchema, input ?? {});
  const limits = AUTH_RATE_LIMITS;
  await throttleEmail(deps, "otp", collection.id, email, limits.otpPerAccount, limits.otpPerIp);
  const row = await findByEmail(deps.db, collection, email);
  // Unknown emails take the same path (an OTP row for a record id that exists nowhere, so it never signs
  // in) minus the mail, which is sent after the response anyway: the answer and its timing match.
  const to = row ? String(row.email) : email;
  const { otpId, code } = await storeOtp(deps.db, collection, row?.id ?? newId(), to);
  if (row) {
    await runLater(deps, "otp email", () =>
      mailer.send(authMail(deps, collection, row, to, { kind: "otp", otp: code, otpId })),
    );
  }
  return { otpId };
}

/** `auth-with-otp`: exchanges a valid code for a session (single use; a few wrong codes burn the OTP). */
export async function authWithOtp(
  deps: AuthFlowDeps,
  collectionIdOrName: string,
  input: unknown,
  params: ViewParams,
): Promise<AuthResponse> {
  const collection = await findAuthCollection(deps, collectionIdOrName);
  if (!collection.otp.enabled) otpDisabled();
  const body = parseInput(signInSchema, input ?? {});
  const limits = AUTH_RATE_LIMITS;
  await throttle(
    deps,
    "otpSignIn",
    `${collection.id}/${body.otpId}`,
    limits.otpPerAccount,
    limits.signInPerIp,
  );
  const otp = await deps.db
    .prepare("SELECT * FROM _otps WHERE id = ? AND collectionRef = ?")
    .bind(body.otpId, collection.id)
    .first<OtpRow>();
  if (!otp) invalidOtp();
  const ok = await verifyOtpCode(
    body.password,
    { hash: otp.hash, expiresAt: new Date(otp.expires) },
    { otpId: otp.id, secret: collection.tokenSecret },
  );
  if (!ok) {
    await deps.db.batch([
      deps.db.prepare("UPDATE _otps SET attempts = attempts + 1 WHERE id = ?").bind(otp.id),
      deps.db.prepare("DELETE FROM _otps WHERE id = ? AND attempts >= ?").bind(otp.id, OTP_MAX_ATTEMPTS),
    ]);
    invalidOtp();
  }
  // Single use: only the request that deletes the row may sign in.
  const spent = await deps.db.prepare("DELETE FROM _otps WHERE id = ?").bind(otp.id).run();
  if (spent.meta.changes !== 1) invalidOtp();
  let row = await readAuthRow(deps.db, collection, otp.recordRef);
  if (!row) invalidOtp();
  const proven = String(row.email ?? "").toLowerCase() === otp.sentTo.toLowerCase();
  if (proven && !(row.verified === 1 || row.verified === true)) {
    // First proof of the address: whoever pre-registered it (account pre-hijacking) may hold its password
    // and sessions. Nobody proved that password, so it becomes an unusable random one (a reset sets a new
    // one), the record is re-keyed and every other session ends before this one starts. Completing an MFA
    // whose first factor was this record's password is the exception for the password only: the same
    // person just proved both, so it stays (and its pending MFA with it).
    const ref = { collectionId: collection.id, recordId: row.id };
    const passwordProven =
      body.mfaId !== undefined && (await pendingProvenBy(deps.db, body.mfaId, ref, "password"));
    const password = passwordProven ? undefined : await hashPassword(randomToken());
    // The passkeys and OAuth2 links were added by whoever held a session, which the password gave: they go
    // with it (and stay with it when the password was proven).
    const changes = { verified: true, password, rekey: true, dropLinkedCredentials: !passwordProven };
    row = (await updateAuthRow(deps, collection, row.id, changes)) ?? row;
    await endAllSessions(deps, { collectionId: collection.id, userId: row.id });
  }
  return completeSignIn(deps, collection, row, params, { method: "otp", mfaId: body.mfaId });
}
