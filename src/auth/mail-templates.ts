/**
 * The auth emails (verification, password reset, email change, OTP, auth alert) as pure functions of their
 * inputs: Edgebase's built-in wording, or a collection's own template in PocketBase's shape.
 */
import type { Field } from "../collections/fields";
import { MAX_MAIL_SUBJECT_LENGTH, type MailMessage } from "./mailer";

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

/** "New sign-in": `info` describes the device and network (user agent, IP). */
export function authAlertEmail(app: MailAppInfo, input: { to: string; info: string }): MailMessage {
  const subject = `New sign-in to your ${app.appName} account`;
  const lines = [
    `Your ${app.appName} account was just signed in from a new device or location:`,
    input.info,
    "If this was you, there is nothing to do.",
    "If it was not, change your password now and sign out of every other session.",
  ];
  const html = lines.map((line) => `<p>${escapeHtml(line)}</p>`).join("\n");
  return { to: input.to, subject, text: lines.join("\n"), html };
}

/** A collection's own email template (subject is plain text, body is HTML). */
export interface EmailTemplate {
  subject: string;
  body: string;
}

/** The values a template's placeholders take. Only the ones an email has are set. */
export interface TemplateValues {
  appName: string;
  appUrl: string;
  token?: string;
  otp?: string;
  otpId?: string;
  alertInfo?: string;
  /** The record's decoded values; hidden fields are never offered (see {@link recordPlaceholders}). */
  record: Record<string, unknown>;
}

function placeholderText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

/** `{RECORD:<name>}` → value for every non-hidden field of the record, as text. */
export function recordPlaceholders(
  fields: readonly Field[],
  record: Record<string, unknown>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const field of fields) {
    if (!field.hidden) out[`{RECORD:${field.name}}`] = placeholderText(record[field.name]);
  }
  return out;
}

function placeholders(values: TemplateValues, fields: readonly Field[]): Record<string, string> {
  const out: Record<string, string> = {
    "{APP_NAME}": values.appName,
    "{APP_URL}": values.appUrl.replace(/\/+$/, ""),
    ...recordPlaceholders(fields, values.record),
  };
  if (values.token !== undefined) out["{TOKEN}"] = values.token;
  if (values.otp !== undefined) out["{OTP}"] = values.otp;
  if (values.otpId !== undefined) out["{OTP_ID}"] = values.otpId;
  if (values.alertInfo !== undefined) out["{ALERT_INFO}"] = values.alertInfo;
  return out;
}

/** Replaces every known placeholder in one pass, so a value that contains a placeholder is never expanded. */
function fill(template: string, map: Record<string, string>, encode: (v: string) => string): string {
  return template.replace(/\{[A-Z_]+(?::[A-Za-z0-9_]+)?\}/g, (key) =>
    Object.hasOwn(map, key) ? encode(map[key] as string) : key,
  );
}

/** The plain-text part of an HTML body: tags dropped, the common entities decoded, blank runs collapsed. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, "")
    .replace(/<br\s*\/?>|<\/(p|div|h[1-6]|li|tr)>/gi, "\n")
    .replace(/<a\s[^>]*href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/gi, "$2 ($1)")
    .replace(/<[^>]+>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/[ \t]+/g, " ")
    .replace(/\n\s*\n\s*/g, "\n\n")
    .trim();
}

/**
 * Renders a collection's template: placeholders are HTML-escaped in the body and made one line in the subject
 * (a record value must neither inject markup nor mail headers).
 */
export function renderTemplate(
  template: EmailTemplate,
  to: string,
  values: TemplateValues,
  fields: readonly Field[],
): MailMessage {
  const map = placeholders(values, fields);
  const subject = fill(template.subject, map, (v) => v.replace(/[\r\n]+/g, " ")).slice(
    0,
    MAX_MAIL_SUBJECT_LENGTH,
  );
  const html = fill(template.body, map, escapeHtml);
  return { to, subject, text: htmlToText(html), html };
}

/** The collection's template when it has one, else the built-in email. */
export function templatedMail(
  template: EmailTemplate | null | undefined,
  to: string,
  values: TemplateValues,
  fields: readonly Field[],
  builtIn: () => MailMessage,
): MailMessage {
  return template ? renderTemplate(template, to, values, fields) : builtIn();
}
