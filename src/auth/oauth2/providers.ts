/**
 * The OAuth2 providers sign-in supports, in one table: endpoints, scopes, PKCE, how the client secret is sent,
 * the ID token's JWKS and issuer, and how the provider's profile maps to the user (user-maps.ts). A provider's
 * configuration may override the three URLs (as PocketBase allows), e.g. to point at a test server.
 */
import { OAUTH2_PROVIDER_NAMES, type OAuth2Provider } from "../../collections/oauth2-options";
import { USER_MAPS, type UserMapper } from "./user-maps";

/** A supported provider name. */
export type ProviderName = (typeof OAUTH2_PROVIDER_NAMES)[number];

/** What `GET /api/collections/meta/oauth2-providers` lists for each provider. */
export interface ProviderInfo {
  name: string;
  displayName: string;
  /** Default endpoints ("" where the configuration must give them, as for generic OIDC). */
  authURL: string;
  tokenURL: string;
  userInfoURL: string;
  /** Whether PKCE is used unless the configuration says otherwise. */
  pkce: boolean;
  /** The scopes asked for. */
  scopes: string[];
}

/** A provider's full defaults: what the listing shows plus how sign-in talks to it. */
export interface ProviderSpec extends ProviderInfo {
  /**
   * The client secret goes in the token request's body (client_secret_post) instead of HTTP Basic: the
   * providers arctic's own classes post it for (they do not accept Basic).
   */
  secretInBody: boolean;
  /** Extra authorization URL parameters (Apple answers with a form POST when name or email are asked). */
  authParams: Record<string, string>;
  /** The issuer's JWKS: an ID token is then required and verified (`extra.jwksURL` overrides it). */
  jwksURL: string;
  /** Accepted ID token issuers (`extra.issuers` overrides them). */
  issuers: string[];
  /** A second profile request, under the userinfo URL, that lists the user's emails (GitHub, Bitbucket). */
  emailsPath: string;
  /** Sends the client id as the `Client-Id` header of profile requests (Twitch requires it). */
  clientIdHeader: boolean;
  map: UserMapper;
}

type Defaults = Omit<ProviderSpec, "name" | "map">;

const BASE: Omit<Defaults, "displayName" | "authURL" | "tokenURL" | "userInfoURL" | "scopes"> = {
  pkce: true,
  secretInBody: false,
  authParams: {},
  jwksURL: "",
  issuers: [],
  emailsPath: "",
  clientIdHeader: false,
};

const OIDC: Defaults = {
  ...BASE,
  displayName: "OIDC",
  authURL: "",
  tokenURL: "",
  userInfoURL: "",
  scopes: ["openid", "profile", "email"],
};

const DEFAULTS: Record<ProviderName, Defaults> = {
  oidc: OIDC,
  oidc2: OIDC,
  oidc3: OIDC,
  apple: {
    ...BASE,
    displayName: "Apple",
    authURL: "https://appleid.apple.com/auth/authorize",
    tokenURL: "https://appleid.apple.com/auth/token",
    userInfoURL: "",
    scopes: ["name", "email"],
    secretInBody: true,
    authParams: { response_mode: "form_post" },
    jwksURL: "https://appleid.apple.com/auth/keys",
    issuers: ["https://appleid.apple.com"],
  },
  bitbucket: {
    ...BASE,
    displayName: "Bitbucket",
    authURL: "https://bitbucket.org/site/oauth2/authorize",
    tokenURL: "https://bitbucket.org/site/oauth2/access_token",
    userInfoURL: "https://api.bitbucket.org/2.0/user",
    scopes: ["account", "email"],
    pkce: false,
    emailsPath: "emails",
  },
  discord: {
    ...BASE,
    displayName: "Discord",
    authURL: "https://discord.com/api/oauth2/authorize",
    tokenURL: "https://discord.com/api/oauth2/token",
    userInfoURL: "https://discord.com/api/users/@me",
    scopes: ["identify", "email"],
  },
  facebook: {
    ...BASE,
    displayName: "Facebook",
    authURL: "https://www.facebook.com/v18.0/dialog/oauth",
    tokenURL: "https://graph.facebook.com/v18.0/oauth/access_token",
    userInfoURL: "https://graph.facebook.com/me?fields=name,email,picture.type(large)",
    scopes: ["email"],
    secretInBody: true,
  },
  github: {
    ...BASE,
    displayName: "GitHub",
    authURL: "https://github.com/login/oauth/authorize",
    tokenURL: "https://github.com/login/oauth/access_token",
    userInfoURL: "https://api.github.com/user",
    scopes: ["read:user", "user:email"],
    emailsPath: "emails",
  },
  gitlab: {
    ...BASE,
    displayName: "GitLab",
    authURL: "https://gitlab.com/oauth/authorize",
    tokenURL: "https://gitlab.com/oauth/token",
    userInfoURL: "https://gitlab.com/api/v4/user",
    scopes: ["read_user"],
  },
  google: {
    ...BASE,
    displayName: "Google",
    authURL: "https://accounts.google.com/o/oauth2/v2/auth",
    tokenURL: "https://oauth2.googleapis.com/token",
    userInfoURL: "https://www.googleapis.com/oauth2/v3/userinfo",
    scopes: [
      "https://www.googleapis.com/auth/userinfo.profile",
      "https://www.googleapis.com/auth/userinfo.email",
    ],
  },
  linkedin: {
    ...BASE,
    displayName: "LinkedIn",
    authURL: "https://www.linkedin.com/oauth/v2/authorization",
    tokenURL: "https://www.linkedin.com/oauth/v2/accessToken",
    userInfoURL: "https://api.linkedin.com/v2/userinfo",
    scopes: ["openid", "profile", "email"],
    // LinkedIn's web apps do not take PKCE (it is for native clients) nor HTTP Basic.
    pkce: false,
    secretInBody: true,
    jwksURL: "https://www.linkedin.com/oauth/openid/jwks",
    issuers: ["https://www.linkedin.com/oauth"],
  },
  microsoft: {
    ...BASE,
    displayName: "Microsoft",
    authURL: "https://login.microsoftonline.com/common/oauth2/v2.0/authorize",
    tokenURL: "https://login.microsoftonline.com/common/oauth2/v2.0/token",
    userInfoURL: "https://graph.microsoft.com/v1.0/me",
    scopes: ["User.Read"],
  },
  spotify: {
    ...BASE,
    displayName: "Spotify",
    authURL: "https://accounts.spotify.com/authorize",
    tokenURL: "https://accounts.spotify.com/api/token",
    userInfoURL: "https://api.spotify.com/v1/me",
    scopes: ["user-read-private"],
  },
  twitch: {
    ...BASE,
    displayName: "Twitch",
    authURL: "https://id.twitch.tv/oauth2/authorize",
    tokenURL: "https://id.twitch.tv/oauth2/token",
    userInfoURL: "https://api.twitch.tv/helix/users",
    scopes: ["user:read:email"],
    secretInBody: true,
    clientIdHeader: true,
  },
  twitter: {
    ...BASE,
    displayName: "X/Twitter",
    authURL: "https://x.com/i/oauth2/authorize",
    tokenURL: "https://api.x.com/2/oauth2/token",
    userInfoURL:
      "https://api.x.com/2/users/me?user.fields=id,name,username,profile_image_url,confirmed_email",
    scopes: ["users.read", "users.email", "tweet.read"],
  },
};

/** The full defaults of provider `name`, or undefined when it is not supported. */
export function providerSpec(name: string): ProviderSpec | undefined {
  if (!Object.hasOwn(DEFAULTS, name)) return undefined;
  const key = name as ProviderName;
  return { name, ...DEFAULTS[key], map: USER_MAPS[key] };
}

/** Every supported provider with its defaults, sorted by name. */
export function listProviders(): ProviderInfo[] {
  return [...OAUTH2_PROVIDER_NAMES].sort().map((name) => providerInfo(name) as ProviderInfo);
}

/** The listed defaults of provider `name`, or undefined when it is not supported. */
export function providerInfo(name: string): ProviderInfo | undefined {
  const spec = providerSpec(name);
  if (!spec) return undefined;
  const { displayName, authURL, tokenURL, userInfoURL, pkce, scopes } = spec;
  return { name, displayName, authURL, tokenURL, userInfoURL, pkce, scopes: [...scopes] };
}

/** A configuration with the provider's default URLs where it leaves them empty. */
export function withDefaultURLs(config: OAuth2Provider): OAuth2Provider {
  const spec = providerSpec(config.name);
  return {
    ...config,
    authURL: config.authURL || spec?.authURL || "",
    tokenURL: config.tokenURL || spec?.tokenURL || "",
    userInfoURL: config.userInfoURL || spec?.userInfoURL || "",
  };
}
