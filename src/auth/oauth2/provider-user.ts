/**
 * One sign-in with any provider of the table (providers.ts): the code exchange (arctic; PKCE when enabled),
 * the ID token verified against the issuer's JWKS (jose) where the provider has one, the profile (userinfo,
 * plus the emails endpoint of GitHub and Bitbucket), and the provider's user mapping. Every provider failure
 * becomes one safe message: no token, secret or upstream body.
 */
import { OAuth2Client, OAuth2Tokens } from "arctic";
import { createRemoteJWKSet, jwtVerify } from "jose";
import type { OAuth2Provider } from "../../collections/oauth2-options";
import { badRequest } from "../../lib/errors";
import { type ProviderSpec, providerSpec, withDefaultURLs } from "./providers";

/** Milliseconds a provider has to answer one request. */
export const PROVIDER_TIMEOUT_MS = 10_000;
/** Largest profile body read. */
const MAX_PROFILE_BYTES = 64 * 1024;

const ID_TOKEN_ALGORITHMS = [
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
];

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

function safe<T>(read: () => T): T | "" {
  try {
    return read();
  } catch {
    return "";
  }
}

/** Exchanges `code` and describes the user; throws the generic 400 on any provider problem. */
export async function providerUser(
  stored: OAuth2Provider,
  input: { code: string; codeVerifier: string | null; redirectURL: string },
): Promise<OAuth2User> {
  const spec = providerSpec(stored.name);
  if (!spec) providerFailed();
  const config = withDefaultURLs(stored);
  const tokens = await exchange(config, spec, input);
  const accessToken = safe(() => tokens.accessToken());
  if (!accessToken) providerFailed();
  const claims: Record<string, unknown> = {};
  const jwksURL = (typeof config.extra.jwksURL === "string" && config.extra.jwksURL) || spec.jwksURL;
  if (jwksURL) {
    const configured = stringList(config.extra.issuers);
    Object.assign(
      claims,
      await verifyIdToken(
        safe(() => tokens.idToken()),
        jwksURL,
        config.clientId,
        configured.length > 0 ? configured : spec.issuers,
      ),
    );
  }
  // GitHub's API refuses requests without a User-Agent.
  const headers: Record<string, string> = {
    authorization: `Bearer ${accessToken}`,
    "user-agent": "Edgebase",
  };
  if (spec.clientIdHeader) headers["client-id"] = config.clientId;
  const profile: Record<string, unknown> = { ...claims };
  if (config.userInfoURL) {
    const info = await fetchJson(config.userInfoURL, headers);
    if (typeof info !== "object" || info === null || Array.isArray(info)) providerFailed();
    const body = info as Record<string, unknown>;
    // The userinfo answer must describe the ID token's subject (OIDC Core 5.3.2).
    if (claims.sub !== undefined && body.sub !== claims.sub) providerFailed();
    Object.assign(profile, body);
  }
  const emails = spec.emailsPath
    ? await fetchJson(`${config.userInfoURL.replace(/\/+$/, "")}/${spec.emailsPath}`, headers, true)
    : undefined;
  const user = spec.map(profile, emails);
  if (!user.id) providerFailed();
  const expires = safe(() => tokens.accessTokenExpiresAt());
  return {
    ...user,
    accessToken,
    refreshToken: safe(() => tokens.refreshToken()),
    expiry: expires instanceof Date ? expires.toISOString().replace("T", " ") : "",
    rawUser: profile,
  };
}

/** The code exchange: arctic's client (HTTP Basic), or the secret in the body for providers that need it. */
async function exchange(
  config: OAuth2Provider,
  spec: ProviderSpec,
  input: { code: string; codeVerifier: string | null; redirectURL: string },
): Promise<OAuth2Tokens> {
  try {
    if (!spec.secretInBody || !config.clientSecret) {
      const client = new OAuth2Client(config.clientId, config.clientSecret || null, input.redirectURL);
      return await timed(client.validateAuthorizationCode(config.tokenURL, input.code, input.codeVerifier));
    }
    const body = new URLSearchParams({
      grant_type: "authorization_code",
      code: input.code,
      redirect_uri: input.redirectURL,
      client_id: config.clientId,
      client_secret: config.clientSecret,
    });
    if (input.codeVerifier !== null) body.set("code_verifier", input.codeVerifier);
    const res = await timed(
      fetch(config.tokenURL, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
        body,
      }),
    );
    const text = await res.text();
    if (!res.ok || text.length > MAX_PROFILE_BYTES) providerFailed();
    return new OAuth2Tokens(JSON.parse(text) as object);
  } catch (error) {
    providerFailed(error);
  }
}

/** Verifies an ID token: signature by a key of the JWKS, issuer, audience = client id, expiry, no `none`. */
async function verifyIdToken(
  idToken: string,
  jwksURL: string,
  clientId: string,
  issuers: string[],
): Promise<Record<string, unknown>> {
  // With a JWKS the ID token is required: a provider that drops it must not fall back to weaker checks.
  if (!idToken) providerFailed();
  try {
    const { payload } = await timed(
      jwtVerify(idToken, createRemoteJWKSet(new URL(jwksURL)), {
        audience: clientId,
        ...(issuers.length > 0 ? { issuer: issuers } : {}),
        algorithms: ID_TOKEN_ALGORITHMS,
      }),
    );
    return payload;
  } catch (error) {
    providerFailed(error);
  }
}

/**
 * GETs a JSON profile. `optional`: a 401/403/404 answers undefined instead of failing (GitHub and Bitbucket
 * refuse the emails endpoint to tokens without the email scope; PocketBase then signs in without an email).
 */
async function fetchJson(url: string, headers: Record<string, string>, optional = false): Promise<unknown> {
  let res: Response;
  try {
    res = await timed(fetch(url, { headers: { ...headers, accept: "application/json" } }));
  } catch (error) {
    providerFailed(error);
  }
  const text = await res.text().catch(() => "");
  if (optional && [401, 403, 404].includes(res.status)) return undefined;
  if (!res.ok || text.length > MAX_PROFILE_BYTES) providerFailed();
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    providerFailed(error);
  }
}
