/**
 * The auth-collection options the dashboard edits as a form (sign-in methods, OAuth2 providers, MFA, alerts,
 * token and session lifetimes, email templates), with PocketBase's defaults for a new collection; anything
 * else is edited as JSON beside it. Pure; unit-tested.
 */
import {
  applyTemplates,
  type TemplateForm,
  type TemplateKey,
  templatesFromCollection,
} from "./email-templates";
import { type OAuth2Form, oauth2FromCollection, oauth2Payload } from "./oauth2-form";

/** Options edited through the form. */
export interface AuthFormOptions {
  passwordAuth: { enabled: boolean; identityFields: string[] };
  otp: { enabled: boolean; duration: number; length: number };
  mfa: { enabled: boolean; duration: number; rule: string };
  /** Edgebase extension: an authenticator code signs in alone (README "Authenticator apps"). */
  totp: { standalone: boolean };
  authAlert: { enabled: boolean; [key: string]: unknown };
  /** `idleTimeout` and `maxLifetime`: the session lifetime (README "Session lifetime"). */
  authToken: { duration: number; idleTimeout: number; maxLifetime: number };
  passwordResetToken: { duration: number };
  emailChangeToken: { duration: number };
  verificationToken: { duration: number };
  fileToken: { duration: number };
  /** Edited with its write-only client secrets: sent through `authPayload`. */
  oauth2: OAuth2Form;
  /** Not a collection key: the five templates, written to their places by `authPayload`. */
  templates: Record<TemplateKey, TemplateForm>;
}

/** The token kinds whose lifetime the form sets, with labels. */
export const TOKEN_KINDS: [key: keyof AuthFormOptions, label: string][] = [
  ["authToken", "Auth token"],
  ["verificationToken", "Verification token"],
  ["passwordResetToken", "Password reset token"],
  ["emailChangeToken", "Email change token"],
  ["fileToken", "Protected file token"],
];

const DEFAULTS: AuthFormOptions = {
  passwordAuth: { enabled: true, identityFields: ["email"] },
  otp: { enabled: false, duration: 180, length: 8 },
  mfa: { enabled: false, duration: 1800, rule: "" },
  totp: { standalone: false },
  authAlert: { enabled: false },
  authToken: { duration: 604_800, idleTimeout: 2_592_000, maxLifetime: 31_536_000 },
  passwordResetToken: { duration: 1_800 },
  emailChangeToken: { duration: 1_800 },
  verificationToken: { duration: 259_200 },
  fileToken: { duration: 180 },
  oauth2: oauth2FromCollection(undefined),
  templates: templatesFromCollection(undefined),
};

/** Options the split reads through their own converters rather than by merging. */
const CONVERTED = new Set([
  "oauth2",
  "templates",
  "verificationTemplate",
  "resetPasswordTemplate",
  "confirmEmailChangeTemplate",
]);

const FORM_KEYS = Object.keys(DEFAULTS) as (keyof AuthFormOptions)[];
/** Collection keys that are not auth options at all (never put in the advanced JSON). */
const COLLECTION_KEYS = new Set([
  "id",
  "name",
  "type",
  "system",
  "fields",
  "indexes",
  "listRule",
  "viewRule",
  "createRule",
  "updateRule",
  "deleteRule",
  "authRule",
  "manageRule",
  "viewQuery",
  "created",
  "updated",
]);

/** Splits a collection into the form's options (defaults filled in) and the remaining auth options. */
export function splitAuthOptions(collection: Record<string, unknown> | undefined): {
  form: AuthFormOptions;
  advanced: Record<string, unknown>;
} {
  const form = structuredClone(DEFAULTS);
  const advanced: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(collection ?? {})) {
    if (COLLECTION_KEYS.has(key) || CONVERTED.has(key)) continue;
    if ((FORM_KEYS as string[]).includes(key)) {
      const k = key as keyof AuthFormOptions;
      if (value && typeof value === "object") Object.assign(form[k], structuredClone(value));
    } else {
      advanced[key] = value;
    }
  }
  // The templates nested in otp and authAlert were merged in above: they live in `templates` only.
  delete (form.otp as { emailTemplate?: unknown }).emailTemplate;
  delete form.authAlert.emailTemplate;
  form.oauth2 = oauth2FromCollection(collection?.oauth2);
  form.templates = templatesFromCollection(collection);
  return { form, advanced };
}

/** The collection body's auth options from the form (OAuth2 without untyped secrets, templates in place). */
export function authPayload(form: AuthFormOptions): Record<string, unknown> {
  const { oauth2, templates, ...rest } = structuredClone(form);
  const body: Record<string, unknown> = { ...rest, oauth2: oauth2Payload(oauth2) };
  applyTemplates(body, templates);
  return body;
}
