/** Email change: the signed-in user asks, a link goes to the NEW address, confirming with the password switches. */
import { z } from "zod";
import { badRequest, unauthorized } from "../../lib/errors";
import { parseInput } from "../../lib/parse-input";
import { actionUrl } from "../mail-templates";
import { verifyPassword } from "../password";
import { AUTH_RATE_LIMITS } from "../rate-limit";
import { signToken } from "../tokens";
import { authMail } from "./auth-mail";
import { findByEmail, readAuthRow, updateAuthRow } from "./auth-records";
import { type AuthFlowDeps, findAuthCollection, mailSetup, runLater } from "./deps";
import { resolveEmailToken, throttleEmail } from "./email-links";
import { MAX_BODY_TOKEN_LENGTH, MAX_IDENTITY_LENGTH, MAX_PASSWORD_INPUT_LENGTH } from "./input";
import { endAllSessions } from "./issue";
import { throttlePasswordCheck } from "./throttle";

const requestSchema = z.object({ newEmail: z.email().max(MAX_IDENTITY_LENGTH) });
const confirmSchema = z.object({
  token: z.string().min(1).max(MAX_BODY_TOKEN_LENGTH),
  password: z.string().max(MAX_PASSWORD_INPUT_LENGTH),
});

function emailTaken(): never {
  throw badRequest("Failed to validate the submitted data.", {
    newEmail: { code: "validation_record_email_exists", message: "The email is invalid or already in use." },
  });
}

/** `request-email-change` (needs the record's own token): emails a confirmation link to `newEmail`. */
export async function requestEmailChange(deps: AuthFlowDeps, collectionIdOrName: string, input: unknown) {
  const collection = await findAuthCollection(deps, collectionIdOrName);
  if (!deps.auth || deps.auth.collectionId !== collection.id) throw unauthorized();
  const mail = mailSetup(deps);
  const { newEmail } = parseInput(requestSchema, input ?? {});
  const limits = AUTH_RATE_LIMITS;
  await throttleEmail(
    deps,
    "emailChange",
    collection.id,
    deps.auth.id,
    limits.verificationPerAccount,
    limits.passwordResetPerIp,
  );
  const row = await readAuthRow(deps.db, collection, deps.auth.id);
  if (!row) throw unauthorized();
  if (await findByEmail(deps.db, collection, newEmail)) emailTaken();
  const token = await signToken(
    "emailChange",
    { sub: row.id, collectionId: collection.id, email: String(row.email), newEmail },
    {
      secret: collection.tokenSecret,
      tokenKey: String(row.tokenKey),
      ttlSeconds: collection.emailChangeToken.duration,
    },
  );
  const link = actionUrl(mail.appUrl, "confirm-email-change", token);
  await runLater(deps, "email change email", () =>
    mail.mailer.send(authMail(deps, collection, row, newEmail, { kind: "emailChange", token, link })),
  );
}

/**
 * `confirm-email-change`: with the token and the current password, switches the email, marks it verified,
 * replaces the tokenKey and ends every session (as a password change does).
 */
export async function confirmEmailChange(deps: AuthFlowDeps, collectionIdOrName: string, input: unknown) {
  const collection = await findAuthCollection(deps, collectionIdOrName);
  const body = parseInput(confirmSchema, input ?? {});
  const { claims, row } = await resolveEmailToken(deps, collection, body.token, "emailChange");
  await throttlePasswordCheck(deps, collection.id, row.id);
  const check = await verifyPassword(body.password, String(row.password ?? ""));
  if (!check.ok) {
    throw badRequest("Failed to validate the submitted data.", {
      password: { code: "validation_invalid_password", message: "Missing or invalid auth record password." },
    });
  }
  const holder = await findByEmail(deps.db, collection, claims.newEmail);
  if (holder && holder.id !== row.id) emailTaken();
  await updateAuthRow(deps, collection, row.id, { email: claims.newEmail, verified: true, rekey: true });
  await endAllSessions(deps, { collectionId: collection.id, userId: row.id });
}
