/**
 * The auth-collection options the dashboard edits as a form (sign-in methods, MFA, alerts, token and session lifetimes),
 * with PocketBase's defaults for a new collection; anything else (OAuth2 providers, email templates) is edited
 * as JSON beside it. Pure; unit-tested.
 */

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
};

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
    if (COLLECTION_KEYS.has(key)) continue;
    if ((FORM_KEYS as string[]).includes(key)) {
      const k = key as keyof AuthFormOptions;
      if (value && typeof value === "object") Object.assign(form[k], structuredClone(value));
    } else {
      advanced[key] = value;
    }
  }
  return { form, advanced };
}
