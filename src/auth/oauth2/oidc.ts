/**
 * The generic OpenID Connect provider (`oidc`, `oidc2`, `oidc3`): the authorization URL, the code exchange
 * (arctic's OAuth2 client, PKCE when enabled), the ID token verified against the issuer's JWKS (jose), and
 * the userinfo endpoint. Every provider failure becomes one safe message: no token, secret or upstream body.
 */
import { OAuth2Client } from "arctic";
import { createRemoteJWKSet, jwtVerify } from "jose";
import type { OAuth2Provider } from "../../collections/oauth2-options";
import { badRequest } from "../../lib/errors";

/** Seconds a provider has to answer one request. */
export const PROVIDER_TIMEOUT_MS = 10_000;
/** Largest userinfo body read. */
const MAX_USERINFO_BYTES = 64 * 1024;

/** The signed-in user as the provider describes them (PocketBase's AuthUser). */
export interface OAuth2User {
  id: string;
  name: string;
  username: string;
  /** Only an email the provider asserts is verified; "" otherwise (it never links accounts by email). */
  email: string;
  avatarURL: string;
  accessToken: string;
  refreshToken: string;
  /** When the access token expires (PocketBase's date format), or "". */
  expiry: string;
  rawUser: Record<string, unknown>;
}

/** The scopes asked of OIDC providers. */
export const OIDC_SCOPES = ["openid", "profile", "email"];

/** The provider failed or refused: one message for every cause (the cause stays in `cause`, never shown). */
export function providerFailed(cause?: unknown): never {
  throw badRequest("Failed to authenticate with the OAuth2 provider.", {}, cause);
}

async function timed<T>(work: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("provider timeout")), PROVIDER_TIMEOUT_MS);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/** Exchanges `code` and describes the user; throws the generic 400 on any provider problem. */
export async function oidcUser(
  config: OAuth2Provider,
  input: { code: string; codeVerifier: string | null; redirectURL: string },
): Promise<OAuth2User> {
  const client = new OAuth2Client(config.clientId, config.clientSecret || null, input.redirectURL);
  let tokens: Awaited<ReturnType<OAuth2Client["validateAuthorizationCode"]>>;
  try {
    tokens = await timed(client.validateAuthorizationCode(config.tokenURL, input.code, input.codeVerifier));
  } catch (error) {
    providerFailed(error);
  }
  const accessToken = safe(() => tokens.accessToken());
  if (!accessToken) providerFailed();
  const claims: Record<string, unknown> = {};
  const jwksURL = typeof config.extra.jwksURL === "string" ? config.extra.jwksURL : "";
  const idToken = safe(() => tokens.idToken());
  if (jwksURL) {
    // With a JWKS configured the ID token is required and must verify: issuer, audience, expiry, signature.
    if (!idToken) providerFailed();
    const issuers = stringList(config.extra.issuers);
    try {
      const { payload } = await timed(
        jwtVerify(idToken, createRemoteJWKSet(new URL(jwksURL)), {
          audience: config.clientId,
          ...(issuers.length > 0 ? { issuer: issuers } : {}),
          algorithms: [
            "RS256",
            "RS384",
            "RS512",
            "ES256",
            "ES384",
            "ES512",
            "PS256",
            "PS384",
            "PS512",
            "EdDSA",
          ],
        }),
      );
      Object.assign(claims, payload);
    } catch (error) {
      providerFailed(error);
    }
  }
  if (config.userInfoURL) {
    const info = await fetchUserInfo(config.userInfoURL, accessToken);
    if (claims.sub !== undefined && info.sub !== claims.sub) providerFailed();
    Object.assign(claims, info);
  }
  const id = typeof claims.sub === "string" ? claims.sub : "";
  if (!id) providerFailed();
  const text = (key: string) => (typeof claims[key] === "string" ? (claims[key] as string) : "");
  const expires = safe(() => tokens.accessTokenExpiresAt());
  return {
    id,
    name: text("name"),
    username: text("preferred_username"),
    email: claims.email_verified === true ? text("email") : "",
    avatarURL: text("picture"),
    accessToken,
    refreshToken: safe(() => tokens.refreshToken()),
    expiry: expires instanceof Date ? expires.toISOString().replace("T", " ") : "",
    rawUser: claims,
  };
}

function safe<T>(read: () => T): T | "" {
  try {
    return read();
  } catch {
    return "";
  }
}

async function fetchUserInfo(url: string, accessToken: string): Promise<Record<string, unknown>> {
  let res: Response;
  try {
    res = await timed(
      fetch(url, { headers: { authorization: `Bearer ${accessToken}`, accept: "application/json" } }),
    );
  } catch (error) {
    providerFailed(error);
  }
  const text = await res.text().catch(() => "");
  if (!res.ok || text.length > MAX_USERINFO_BYTES) providerFailed();
  try {
    const body = JSON.parse(text) as unknown;
    if (typeof body !== "object" || body === null || Array.isArray(body)) providerFailed();
    return body as Record<string, unknown>;
  } catch (error) {
    providerFailed(error);
  }
}
