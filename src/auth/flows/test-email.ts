/**
 * `POST /api/settings/test/email` (PocketBase's test form): sends one of the auth emails, filled with
 * placeholder values, to an address the superuser names, through the configured transport. Sent at once, not
 * after the response, so a transport failure is the answer.
 */
import { z } from "zod";
import { badRequest } from "../../lib/errors";
import { parseInput } from "../../lib/parse-input";
import {
  actionUrl,
  emailChangeEmail,
  type MailAppInfo,
  otpEmail,
  passwordResetEmail,
  verificationEmail,
} from "../mail-templates";
import type { MailMessage } from "../mailer";
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
const TEST_OTP = "123456";

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
  const message = testMessage(template, { appName: deps.appName }, mail.appUrl, email);
  try {
    await mail.mailer.send(message);
  } catch (error) {
    // The transport's own words can name hosts or accounts; the log keeps them, the answer does not.
    deps.log.warn("test email failed", { error: error instanceof Error ? error.message : String(error) });
    throw badRequest("Failed to send the test email.");
  }
}

function testMessage(template: TestTemplate, app: MailAppInfo, appUrl: string, to: string): MailMessage {
  switch (template) {
    case "verification":
      return verificationEmail(app, { to, link: actionUrl(appUrl, "confirm-verification", TEST_TOKEN) });
    case "password-reset":
      return passwordResetEmail(app, { to, link: actionUrl(appUrl, "confirm-password-reset", TEST_TOKEN) });
    case "email-change":
      return emailChangeEmail(app, { to, link: actionUrl(appUrl, "confirm-email-change", TEST_TOKEN) });
    case "otp":
      return otpEmail(app, { to, code: TEST_OTP, ttlSeconds: 180 });
    case "login-alert":
      return loginAlertTestEmail(app, to);
  }
}

// Until per-collection auth-alert templates land, the test message is PocketBase's default text.
function loginAlertTestEmail(app: MailAppInfo, to: string): MailMessage {
  const event = `${new Date().toISOString()} - TEST_IP TEST_USER_AGENT`;
  const lines = [
    `We noticed a login to your ${app.appName} account from a new location: ${event}.`,
    "If this was you, you may disregard this email.",
    "If this wasn't you, you should immediately change your account password to revoke access from all other locations.",
  ];
  return { to, subject: `Login from a new location`, text: lines.join("\n") };
}
