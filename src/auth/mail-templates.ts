/** The auth emails (verification, password reset, email change, OTP) as pure functions of their inputs. */
import type { MailMessage } from "./mailer";

/** What every template needs to know about the app. */
export interface MailAppInfo {
  /** Shown in subjects and greetings. */
  appName: string;
}

/** The pages that confirm an emailed token (PocketBase's paths). */
export type MailAction = "confirm-verification" | "confirm-password-reset" | "confirm-email-change";

/** The link put in an email: `<appUrl>/_/#/auth/<action>/<token>`, as PocketBase builds it. */
export function actionUrl(appUrl: string, action: MailAction, token: string): string {
  return `${appUrl.replace(/\/+$/, "")}/_/#/auth/${action}/${encodeURIComponent(token)}`;
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

function linkMail(to: string, subject: string, lines: string[], link: string, button: string): MailMessage {
  const text = [...lines, "", link, "", "If you did not ask for this, you can ignore this email."].join("\n");
  const paragraphs = lines.map((line) => `<p>${escapeHtml(line)}</p>`).join("\n");
  const html = `${paragraphs}
<p><a href="${escapeHtml(link)}">${escapeHtml(button)}</a></p>
<p><i>If you did not ask for this, you can ignore this email.</i></p>`;
  return { to, subject, text, html };
}

/** "Verify your email": `link` confirms the verification token. */
export function verificationEmail(app: MailAppInfo, input: { to: string; link: string }): MailMessage {
  return linkMail(
    input.to,
    `Verify your ${app.appName} email`,
    [`Thank you for joining us at ${app.appName}.`, "Open the link below to verify your email address."],
    input.link,
    "Verify",
  );
}

/** "Reset your password": `link` leads to the form that takes the reset token and the new password. */
export function passwordResetEmail(app: MailAppInfo, input: { to: string; link: string }): MailMessage {
  return linkMail(
    input.to,
    `Reset your ${app.appName} password`,
    ["We received a request to reset your password.", "Open the link below to choose a new one."],
    input.link,
    "Reset password",
  );
}

/** "Confirm your new email", sent to the NEW address. */
export function emailChangeEmail(app: MailAppInfo, input: { to: string; link: string }): MailMessage {
  return linkMail(
    input.to,
    `Confirm your ${app.appName} new email address`,
    [`Open the link below to confirm this as your new ${app.appName} email address.`],
    input.link,
    "Confirm new email",
  );
}

/** The one-time code email. */
export function otpEmail(
  app: MailAppInfo,
  input: { to: string; code: string; ttlSeconds: number },
): MailMessage {
  const minutes = Math.max(1, Math.round(input.ttlSeconds / 60));
  const subject = `OTP for ${app.appName}`;
  const lines = [
    `Your one-time password is: ${input.code}`,
    `It expires in ${minutes} minute(s).`,
    "If you did not ask for it, you can ignore this email.",
  ];
  const html = lines.map((line) => `<p>${escapeHtml(line)}</p>`).join("\n");
  return { to: input.to, subject, text: lines.join("\n"), html };
}
