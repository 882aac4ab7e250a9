/**
 * The five auth email templates as the dashboard edits them: where each lives in the collection
 * (`verificationTemplate`, …, `otp.emailTemplate`, `authAlert.emailTemplate`), its placeholders, and the
 * `template` name `pb.settings.testEmail` sends it under. An empty template (subject and body blank) is sent
 * as null, which makes the API use its built-in email. Pure; unit-tested.
 */

/** Where a template lives in the collection. */
export type TemplateKey =
  | "verificationTemplate"
  | "resetPasswordTemplate"
  | "confirmEmailChangeTemplate"
  | "otp.emailTemplate"
  | "authAlert.emailTemplate";

/** A template in the form: blank subject and body mean "the built-in email". */
export interface TemplateForm {
  subject: string;
  body: string;
}

const COMMON = ["{APP_NAME}", "{APP_URL}", "{RECORD:<field>}"];

/** The templates, in the order the form shows them. */
export const EMAIL_TEMPLATES: { key: TemplateKey; label: string; test: string; placeholders: string[] }[] = [
  {
    key: "verificationTemplate",
    label: "Verification",
    test: "verification",
    placeholders: [...COMMON, "{TOKEN}"],
  },
  {
    key: "resetPasswordTemplate",
    label: "Password reset",
    test: "password-reset",
    placeholders: [...COMMON, "{TOKEN}"],
  },
  {
    key: "confirmEmailChangeTemplate",
    label: "Email change confirmation",
    test: "email-change",
    placeholders: [...COMMON, "{TOKEN}"],
  },
  {
    key: "otp.emailTemplate",
    label: "One-time password",
    test: "otp",
    placeholders: [...COMMON, "{OTP}", "{OTP_ID}"],
  },
  {
    key: "authAlert.emailTemplate",
    label: "New-device alert",
    test: "login-alert",
    placeholders: [...COMMON, "{ALERT_INFO}"],
  },
];

/** The API path of a template's errors and value (`otp.emailTemplate`), split in parts. */
function parts(key: TemplateKey): string[] {
  return key.split(".");
}

function read(collection: Record<string, unknown>, key: TemplateKey): unknown {
  let v: unknown = collection;
  for (const p of parts(key)) v = v && typeof v === "object" ? (v as Record<string, unknown>)[p] : undefined;
  return v;
}

/** The form's templates from a collection (absent or null: blank). */
export function templatesFromCollection(
  collection: Record<string, unknown> | undefined,
): Record<TemplateKey, TemplateForm> {
  const out = {} as Record<TemplateKey, TemplateForm>;
  for (const { key } of EMAIL_TEMPLATES) {
    const t = read(collection ?? {}, key) as { subject?: unknown; body?: unknown } | null | undefined;
    out[key] = {
      subject: typeof t?.subject === "string" ? t.subject : "",
      body: typeof t?.body === "string" ? t.body : "",
    };
  }
  return out;
}

/** A template as sent: null when blank (the built-in email), else both parts (the API checks them). */
export function templateValue(t: TemplateForm): TemplateForm | null {
  return t.subject.trim() === "" && t.body.trim() === "" ? null : { subject: t.subject, body: t.body };
}

/**
 * Writes the templates into a collection body: top-level keys directly, `otp` and `authAlert` as their
 * `emailTemplate` beside the options already there.
 */
export function applyTemplates(
  body: Record<string, unknown>,
  templates: Record<TemplateKey, TemplateForm>,
): void {
  for (const { key } of EMAIL_TEMPLATES) {
    const [head, tail] = parts(key) as [string, string | undefined];
    const value = templateValue(templates[key]);
    if (tail === undefined) body[head] = value;
    else body[head] = { ...((body[head] as object | undefined) ?? {}), [tail]: value };
  }
}
