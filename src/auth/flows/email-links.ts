/** Emailed-link flows: request/confirm verification and request/confirm password reset. */
import { z } from "zod";
import type { AuthCollection } from "../../collections/collection";
import { randomToken } from "../../lib/bytes";
import { badRequest, type ErrorData } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { parseInput } from "../../lib/parse-input";
import { generateTokenKey } from "../../lib/secrets";
import { resolveToken } from "../authenticate";
import { actionUrl } from "../mail-templates";
import { hashPassword, passwordPolicyError, verifyPassword } from "../password";
import { AUTH_RATE_LIMITS, type RateLimitRule } from "../rate-limit";
import { TokenError } from "../token-error";
import { signToken, type TokenType } from "../tokens";
import { authMail } from "./auth-mail";
import { type AuthRow, findByEmail, subjectLoader, updateAuthRow } from "./auth-records";
import { type AuthFlowDeps, findAuthCollection, mailSetup, runLater } from "./deps";
import { MAX_BODY_TOKEN_LENGTH, MAX_IDENTITY_LENGTH, MAX_PASSWORD_INPUT_LENGTH } from "./input";
import { endAllSessions } from "./issue";
import { throttle, throttlePasswordCheck } from "./throttle";

const emailSchema = z.object({ email: z.string().min(1).max(MAX_IDENTITY_LENGTH) });
const tokenSchema = z.object({ token: z.string().min(1).max(MAX_BODY_TOKEN_LENGTH) });
const confirmVerificationSchema = tokenSchema.extend({
  password: z.string().min(1).max(MAX_PASSWORD_INPUT_LENGTH).optional(),
});
const resetSchema = z.object({
  token: z.string().min(1).max(MAX_BODY_TOKEN_LENGTH),
  password: z.string().max(MAX_PASSWORD_INPUT_LENGTH),
  passwordConfirm: z.string().max(MAX_PASSWORD_INPUT_LENGTH),
});

/** Throttles an emailing request per IP and per (collection, email). */
export function throttleEmail(
  deps: AuthFlowDeps,
  scope: string,
  collectionId: string,
  email: string,
  perAccount: RateLimitRule,
  perIp: RateLimitRule,
): Promise<void> {
  return throttle(deps, scope, `${collectionId}/${email.toLowerCase()}`, perAccount, perIp);
}

/** The 400 a refused emailed token gets (one answer whatever the reason). */
export function invalidToken(): never {
  throw badRequest("Invalid or expired token.", {
    token: { code: "validation_invalid_token", message: "Invalid or expired token." },
  });
}

/** Resolves an emailed token of `type` issued by this collection, or throws the one 400. */
export async function resolveEmailToken<T extends Exclude<TokenType, "auth" | "file">>(
  deps: AuthFlowDeps,
  collection: AuthCollection,
  token: string,
  type: T,
) {
  try {
    const resolved = await resolveToken(token, type, subjectLoader(deps), { collectionId: collection.id });
    const row = resolved.record.row;
    // The token is bound to the address it was sent to: after an email change it no longer applies.
    if (String(row.email ?? "").toLowerCase() !== resolved.claims.email.toLowerCase()) invalidToken();
    return { claims: resolved.claims, row };
  } catch (error) {
    if (error instanceof TokenError) invalidToken();
    throw error;
  }
}

/**
 * A stand-in record for an address with no (eligible) account: request-* endpoints sign its token and build
 * its link exactly as for a real one, then send nothing, so answer and timing do not reveal the account.
 */
function decoyRow(email: string): AuthRow {
  return { id: newId(), email, tokenKey: generateTokenKey(), password: "" };
}

/** A token of `type` for `row`, lasting the collection's configured duration for that type. */
export function emailToken(
  collection: AuthCollection,
  row: AuthRow,
  type: "verification" | "passwordReset",
): Promise<string> {
  const duration = type === "verification" ? collection.verificationToken : collection.passwordResetToken;
  return signToken(
    type,
    { sub: row.id, collectionId: collection.id, email: String(row.email) },
    { secret: collection.tokenSecret, tokenKey: String(row.tokenKey), ttlSeconds: duration.duration },
  );
}

/** `request-verification`: emails a verification link to an unverified account. Always 204-worthy. */
export async function requestVerification(deps: AuthFlowDeps, collectionIdOrName: string, input: unknown) {
  const collection = await findAuthCollection(deps, collectionIdOrName);
  const mail = mailSetup(deps);
  const { email } = parseInput(emailSchema, input ?? {});
  const limits = AUTH_RATE_LIMITS;
  await throttleEmail(
    deps,
    "verification",
    collection.id,
    email,
    limits.verificationPerAccount,
    limits.passwordResetPerIp,
  );
  const found = await findByEmail(deps.db, collection, email);
  const row = found && !(found.verified === 1 || found.verified === true) ? found : undefined;
  const token = await emailToken(collection, row ?? decoyRow(email), "verification");
  const link = actionUrl(mail.appUrl, "confirm-verification", token);
  if (!row) return;
  await runLater(deps, "verification email", () =>
    mail.mailer.send(
      authMail(deps, collection, row, String(row.email), { kind: "verification", token, link }),
    ),
  );
}

/**
 * `confirm-verification`: marks the record verified. The link proves the address, not the password, which counts
 * as proven (and is kept) only when password sign-in is on and the confirming request also proves it: it is
 * signed in as this very record (sign-up → sign-in → verify in one app, whose SDK sends its token), or it carries
 * the record's current `password` (checked and throttled like a sign-in; a wrong one is a 400 and changes
 * nothing). Otherwise this first proof of the address drops the password nobody proved, re-keys the record and
 * ends every session, as OTP's first proof does (issue 13, finding 14; SECURITY.md "Pre-registered accounts").
 */
export async function confirmVerification(deps: AuthFlowDeps, collectionIdOrName: string, input: unknown) {
  const collection = await findAuthCollection(deps, collectionIdOrName);
  const body = parseInput(confirmVerificationSchema, input ?? {});
  const { row } = await resolveEmailToken(deps, collection, body.token, "verification");
  if (row.verified === 1 || row.verified === true) return;
  if (collection.passwordAuth.enabled && (await passwordProven(deps, collection, row, body.password))) {
    await updateAuthRow(deps, collection, row.id, { verified: true });
    return;
  }
  // The clicker proved the address but not the password, which whoever pre-registered the address may have set
  // (account pre-hijacking); with password sign-in off it would start working the day it is turned on. As on
  // OTP's first proof: an unusable random password (a reset sets a new one), the passkeys and OAuth2 links
  // whoever held a session may have added, a new token key, every session ended.
  const password = await hashPassword(randomToken());
  const changes = { verified: true, password, rekey: true, dropLinkedCredentials: true };
  await updateAuthRow(deps, collection, row.id, changes);
  await endAllSessions(deps, { collectionId: collection.id, userId: row.id });
}

/**
 * Whether the request confirming a verification link also proves the record's password: a session of this
 * very record (only its password, or a superuser's impersonation, gives one to an unverified record), or the
 * password itself. A wrong password throws the 400 of `confirm-email-change`.
 */
async function passwordProven(
  deps: AuthFlowDeps,
  collection: AuthCollection,
  row: AuthRow,
  password: string | undefined,
): Promise<boolean> {
  if (deps.auth?.collectionId === collection.id && deps.auth.id === row.id) return true;
  if (password === undefined) return false;
  await throttlePasswordCheck(deps, collection.id, row.id);
  if ((await verifyPassword(password, String(row.password ?? ""))).ok) return true;
  throw badRequest("Failed to validate the submitted data.", {
    password: { code: "validation_invalid_password", message: "Missing or invalid auth record password." },
  });
}

/** `request-password-reset`: emails a reset link when the account exists. Always 204-worthy. */
export async function requestPasswordReset(deps: AuthFlowDeps, collectionIdOrName: string, input: unknown) {
  const collection = await findAuthCollection(deps, collectionIdOrName);
  const mail = mailSetup(deps);
  const { email } = parseInput(emailSchema, input ?? {});
  const limits = AUTH_RATE_LIMITS;
  await throttleEmail(
    deps,
    "passwordReset",
    collection.id,
    email,
    limits.passwordResetPerAccount,
    limits.passwordResetPerIp,
  );
  const row = await findByEmail(deps.db, collection, email);
  const token = await emailToken(collection, row ?? decoyRow(email), "passwordReset");
  const link = actionUrl(mail.appUrl, "confirm-password-reset", token);
  if (!row) return;
  await runLater(deps, "password reset email", () =>
    mail.mailer.send(
      authMail(deps, collection, row, String(row.email), { kind: "passwordReset", token, link }),
    ),
  );
}

/** The password length rule of a collection (its `password` field's min/max). */
export function passwordPolicyOf(collection: AuthCollection): { min?: number; max?: number } {
  const field = collection.fields.find((f) => f.name === "password");
  const bounds = field as { min?: number; max?: number } | undefined;
  return { min: bounds?.min, max: bounds?.max };
}

/** Checks a new password and its confirmation; returns the field errors, or null. */
export function newPasswordErrors(
  collection: AuthCollection,
  password: string,
  passwordConfirm: string,
): ErrorData | null {
  const error = passwordPolicyError(password, passwordPolicyOf(collection));
  if (error) return { password: error };
  if (password !== passwordConfirm) {
    return { passwordConfirm: { code: "validation_values_mismatch", message: "Values don't match." } };
  }
  return null;
}

/**
 * `confirm-password-reset`: sets the new password, replaces the tokenKey (every token issued before stops
 * verifying, the reset token included) and ends every session. The email is proven, so it is marked verified.
 */
export async function confirmPasswordReset(deps: AuthFlowDeps, collectionIdOrName: string, input: unknown) {
  const collection = await findAuthCollection(deps, collectionIdOrName);
  const body = parseInput(resetSchema, input ?? {});
  const { row } = await resolveEmailToken(deps, collection, body.token, "passwordReset");
  const errors = newPasswordErrors(collection, body.password, body.passwordConfirm);
  if (errors) throw badRequest("Failed to validate the submitted data.", errors);
  const password = await hashPassword(body.password);
  await updateAuthRow(deps, collection, row.id, { password, verified: true, rekey: true });
  await endAllSessions(deps, { collectionId: collection.id, userId: row.id });
}
