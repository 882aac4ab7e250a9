/**
 * The auth collection's `oauth2` options as the dashboard edits them: providers picked from the API's list,
 * client secrets write-only (the API never returns them: the form shows "set" and sends a secret only when
 * one was typed, so a save keeps the stored one), and the mapped fields. Pure; unit-tested.
 */

/** One provider as `GET /api/collections/meta/oauth2-providers` lists it. */
export interface ProviderInfo {
  name: string;
  displayName: string;
  authURL: string;
  tokenURL: string;
  userInfoURL: string;
  pkce: boolean;
  scopes: string[];
}

/** A configured provider in the form. */
export interface ProviderForm {
  name: string;
  displayName: string;
  clientId: string;
  /** A new secret typed in the form; "" keeps the stored one. Never filled from the API. */
  clientSecret: string;
  /** Whether the collection was loaded with this provider (its secret is then stored). */
  hasSecret: boolean;
  authURL: string;
  tokenURL: string;
  userInfoURL: string;
  /** null: the provider's default. */
  pkce: boolean | null;
  /** `extra.jwksURL` (ID token verification), edited as its own input. */
  jwksURL: string;
  /** `extra.issuers`, comma separated in the form. */
  issuers: string[];
  /** Any other `extra` keys, kept as they were. */
  extra: Record<string, unknown>;
}

/** The profile values a provider can fill in on a new record. */
export const MAPPED_KEYS = ["id", "name", "username", "avatarURL"] as const;

/** The `oauth2` options in the form. */
export interface OAuth2Form {
  enabled: boolean;
  mappedFields: Record<(typeof MAPPED_KEYS)[number], string>;
  providers: ProviderForm[];
}

/** Whether the provider has no default endpoints (generic OpenID Connect): authURL and tokenURL are required. */
export function needsURLs(name: string): boolean {
  return name.startsWith("oidc");
}

function str(value: unknown): string {
  return typeof value === "string" ? value : "";
}

/** The form's options from a collection's `oauth2` value (absent: disabled, nothing configured). */
export function oauth2FromCollection(value: unknown): OAuth2Form {
  const v = (value && typeof value === "object" ? value : {}) as Record<string, unknown>;
  const mapped = (v.mappedFields && typeof v.mappedFields === "object" ? v.mappedFields : {}) as Record<
    string,
    unknown
  >;
  const providers = Array.isArray(v.providers) ? v.providers : [];
  return {
    enabled: v.enabled === true,
    mappedFields: Object.fromEntries(
      MAPPED_KEYS.map((k) => [k, str(mapped[k])]),
    ) as OAuth2Form["mappedFields"],
    providers: providers.map((raw: Record<string, unknown>) => {
      const { jwksURL, issuers, ...extra } = (
        raw.extra && typeof raw.extra === "object" ? raw.extra : {}
      ) as Record<string, unknown>;
      return {
        name: str(raw.name),
        displayName: str(raw.displayName),
        clientId: str(raw.clientId),
        clientSecret: "",
        hasSecret: true,
        authURL: str(raw.authURL),
        tokenURL: str(raw.tokenURL),
        userInfoURL: str(raw.userInfoURL),
        pkce: typeof raw.pkce === "boolean" ? raw.pkce : null,
        jwksURL: str(jwksURL),
        issuers: Array.isArray(issuers) ? issuers.filter((i): i is string => typeof i === "string") : [],
        extra,
      };
    }),
  };
}

/** A new, empty provider entry for `info` (default URLs left empty: the API falls back to them). */
export function newProvider(info: Pick<ProviderInfo, "name">): ProviderForm {
  return {
    name: info.name,
    displayName: "",
    clientId: "",
    clientSecret: "",
    hasSecret: false,
    authURL: "",
    tokenURL: "",
    userInfoURL: "",
    pkce: null,
    jwksURL: "",
    issuers: [],
    extra: {},
  };
}

/** The providers of `all` not configured yet (each name may appear once). */
export function addableProviders(all: ProviderInfo[], form: OAuth2Form): ProviderInfo[] {
  const used = new Set(form.providers.map((p) => p.name));
  return all.filter((p) => !used.has(p.name));
}

/** The `oauth2` value a save sends: a client secret only when one was typed, so the stored one is kept. */
export function oauth2Payload(form: OAuth2Form): Record<string, unknown> {
  return {
    enabled: form.enabled,
    mappedFields: { ...form.mappedFields },
    providers: form.providers.map((p) => {
      const extra: Record<string, unknown> = { ...p.extra };
      if (p.jwksURL.trim()) extra.jwksURL = p.jwksURL.trim();
      if (p.issuers.length) extra.issuers = [...p.issuers];
      const out: Record<string, unknown> = {
        name: p.name,
        displayName: p.displayName.trim(),
        clientId: p.clientId.trim(),
        authURL: p.authURL.trim(),
        tokenURL: p.tokenURL.trim(),
        userInfoURL: p.userInfoURL.trim(),
        pkce: p.pkce,
        extra,
      };
      if (p.clientSecret !== "") out.clientSecret = p.clientSecret;
      return out;
    }),
  };
}
