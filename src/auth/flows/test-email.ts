/**
 * `POST /api/settings/test/email` (PocketBase's test form): sends one of the auth emails, filled with
 * placeholder values (the collection's own template when it has one), to an address the superuser names, through
 * the configured transport. Sent at once, not
 * after the response, so a transport failure is the answer.
 */
import { z } from "zod";
import type { AuthCollection } from "../../collections/collection";
import { badRequest } from "../../lib/errors";
import { parseInput } from "../../lib/parse-input";
import { actionUrl, type MailAction } from "../mail-templates";
import { type AuthMail, authMail } from "./auth-mail";
import { type AuthFlowDeps, mailSetup } from "./deps";
import { MAX_IDENTITY_LENGTH } from "./input";

/** PocketBase's template names. */
export const TEST_EMAIL_TEMPLATES = [
  "verification",
  "password-reset",
  "email-change",
  "otp",
  "login-alert",
] as const;

type TestTemplate = (typeof TEST_EMAIL_TEMPLATES)[number];

/** The request body (OpenAPI documents it from this schema). */
export const testEmailInput = z.object({
  email: z
    .string()
    .min(1)
    .max(MAX_IDENTITY_LENGTH)
    .regex(/^[^\s@<>"]+@[^\s@<>"]+$/, "Must be a valid email address."),
  template: z.enum(TEST_EMAIL_TEMPLATES),
  collection: z.string().max(255).optional(),
});

// The links carry a placeholder, never a real token: the test record does not exist.
const TEST_TOKEN = "__edgebase_test_token__";

/** Sends the named template to `email`; 400 for bad input or a transport failure, 503 with no transport. */
export async function sendTestEmail(deps: AuthFlowDeps, input: unknown): Promise<void> {
  const { email, template, collection } = parseInput(testEmailInput, input ?? {});
  const { collection: found } = await deps.store.find(deps.db, collection || "_superusers");
  if (found?.type !== "auth") {
    throw badRequest("Failed to validate the submitted data.", {
      collection: {
        code: "validation_invalid_auth_collection",
        message: "Must be a valid auth collection id or name.",
      },
    });
  }
  const mail = mailSetup(deps);
  const message = authMail(deps, found, testRecord(found, email), email, testMail(template, mail.appUrl));
  try {
    await mail.mailer.send(message);
  } catch (error) {
    // The transport's own words can name hosts or accounts; the log keeps them, the answer does not.
    deps.log.warn("test email failed", { error: error instanceof Error ? error.message : String(error) });
    throw badRequest("Failed to send the test email.");
  }
}

// PocketBase fills every visible field with a placeholder naming it, so {RECORD:*} in a template shows up.
function testRecord(collection: AuthCollection, email: string): Record<string, unknown> {
  const row: Record<string, unknown> = { id: "__test_id__" };
  for (const f of collection.fields) if (!f.hidden && f.type === "text") row[f.name] = `__test_${f.name}__`;
  return { ...row, email };
}

function testMail(template: TestTemplate, appUrl: string): AuthMail {
  const link = (action: MailAction) => ({ token: TEST_TOKEN, link: actionUrl(appUrl, action, TEST_TOKEN) });
  switch (template) {
    case "verification":
      return { kind: "verification", ...link("confirm-verification") };
    case "password-reset":
      return { kind: "passwordReset", ...link("confirm-password-reset") };
    case "email-change":
      return { kind: "emailChange", ...link("confirm-email-change") };
    case "otp":
      return { kind: "otp", otp: "123456", otpId: "__test_otp_id__" };
    case "login-alert":
      return { kind: "authAlert", info: `${new Date().toISOString()} - TEST_IP TEST_USER_AGENT` };
  }
}
