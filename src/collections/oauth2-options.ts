/**
 * An auth collection's `oauth2` options (PocketBase's shape): which providers sign in, their client
 * credentials, and which collection fields receive the provider's user data. Client secrets are write-only:
 * stored with the collection, never returned, kept when a save leaves them out.
 */
import { z } from "zod";
import type { ValidationErrors } from "./errors";
import { MAX_NAME_LENGTH } from "./fields/field-type";

/** The provider names sign-in implements (a configured name outside this list is refused). */
export const OAUTH2_PROVIDER_NAMES = [
  "apple",
  "bitbucket",
  "discord",
  "facebook",
  "github",
  "gitlab",
  "google",
  "linkedin",
  "microsoft",
  "oidc",
  "oidc2",
  "oidc3",
  "spotify",
  "twitch",
  "twitter",
] as const;

/** At most this many providers per collection. */
export const MAX_OAUTH2_PROVIDERS = 30;

const url = z.string().max(2000).default("");

/** One configured provider. `pkce: null` means the provider's default. */
export const oauth2ProviderSchema = z.object({
  name: z.string().max(50),
  clientId: z.string().max(1000).default(""),
  clientSecret: z.string().max(10_000).optional(),
  authURL: url,
  tokenURL: url,
  userInfoURL: url,
  displayName: z.string().max(100).default(""),
  pkce: z.boolean().nullable().default(null),
  // PocketBase exports an unset `extra` as null.
  extra: z
    .record(z.string().max(100), z.unknown())
    .nullish()
    .transform((v) => v ?? {})
    .refine((v) => JSON.stringify(v).length <= 10_000, "Too large."),
});

/** A configured provider as stored. */
export type OAuth2Provider = z.output<typeof oauth2ProviderSchema>;

const fieldName = z.string().max(MAX_NAME_LENGTH).default("");
const MAPPED = { id: "", name: "", username: "", avatarURL: "" };

/** The `oauth2` option of auth collections. */
export const oauth2OptionsSchema = z
  .object({
    enabled: z.boolean().default(false),
    mappedFields: z
      .object({ id: fieldName, name: fieldName, username: fieldName, avatarURL: fieldName })
      .default(MAPPED),
    providers: z.array(oauth2ProviderSchema).max(MAX_OAUTH2_PROVIDERS).default([]),
  })
  .default({ enabled: false, mappedFields: MAPPED, providers: [] });

/** The `oauth2` options as stored. */
export type OAuth2Options = z.output<typeof oauth2OptionsSchema>;

/** The options of a collection stored before OAuth2 existed. */
export function defaultOAuth2Options(): OAuth2Options {
  return { enabled: false, mappedFields: { ...MAPPED }, providers: [] };
}

/** The options as the API returns them: client secrets left out (PocketBase omits them too). */
export function redactOAuth2(options: OAuth2Options): OAuth2Options {
  return { ...options, providers: options.providers.map(({ clientSecret: _secret, ...p }) => p) };
}

/**
 * Completes submitted options against the stored ones (secrets a save left out are kept, by provider name)
 * and checks them: known, unique provider names, credentials present, mapped fields existing.
 */
export function prepareOAuth2(
  submitted: OAuth2Options,
  stored: OAuth2Options | undefined,
  fieldNames: readonly string[],
  errors: ValidationErrors,
): OAuth2Options {
  const seen = new Set<string>();
  const providers = submitted.providers.map((p, i) => {
    const path = `oauth2.providers.${i}`;
    if (!(OAUTH2_PROVIDER_NAMES as readonly string[]).includes(p.name)) {
      errors.add(`${path}.name`, "validation_missing_provider", `Invalid or missing provider "${p.name}".`);
    } else if (seen.has(p.name)) {
      errors.add(`${path}.name`, "validation_duplicated_provider", "The provider is listed twice.");
    }
    seen.add(p.name);
    const clientSecret =
      p.clientSecret || stored?.providers.find((s) => s.name === p.name)?.clientSecret || "";
    if (p.clientId === "") errors.add(`${path}.clientId`, "validation_required", "Cannot be blank.");
    if (clientSecret === "") errors.add(`${path}.clientSecret`, "validation_required", "Cannot be blank.");
    for (const key of ["authURL", "tokenURL", "userInfoURL"] as const) {
      // The generic OIDC providers have no default endpoints to fall back to.
      if (p[key] === "" && key !== "userInfoURL" && p.name.startsWith("oidc")) {
        errors.add(`${path}.${key}`, "validation_required", "Cannot be blank.");
      } else if (p[key] !== "" && !isHttpUrl(p[key])) {
        errors.add(`${path}.${key}`, "validation_invalid_url", "Must be a valid http(s) URL.");
      }
    }
    return { ...p, clientSecret };
  });
  for (const [key, name] of Object.entries(submitted.mappedFields)) {
    if (name !== "" && !fieldNames.includes(name)) {
      errors.add(`oauth2.mappedFields.${key}`, "validation_invalid_value", `Unknown field "${name}".`);
    }
  }
  return { ...submitted, providers };
}

function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return u.protocol === "https:" || u.protocol === "http:";
  } catch {
    return false;
  }
}
