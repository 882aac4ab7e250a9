/** Shared steps of the OAuth2 tests: the browser's trip to the local provider, the sign-in call, row counts. */
import { env } from "cloudflare:workers";
import { expect, inject } from "vitest";
import type { TestUser } from "../../global-setup/oidc";
import { api, apiJson } from "../../helpers/request";
import { freshIp, type Json } from "../../http/routes/auth-helpers";

/** The app's callback URL the tests register (the provider redirects there; nobody listens). */
export const REDIRECT = "https://app.example.com/oauth2-callback";

/** An `oidc` provider entry for a collection's `oauth2.providers`, pointing at the local provider. */
export function providerConfig(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const { issuer } = inject("oidc");
  return {
    name: "oidc",
    clientId: "edgebase-test",
    clientSecret: "client-secret-value",
    authURL: `${issuer}/authorize`,
    tokenURL: `${issuer}/token`,
    userInfoURL: `${issuer}/userinfo`,
    displayName: "Local ID",
    extra: { jwksURL: `${issuer}/jwks`, issuers: [issuer] },
    ...overrides,
  };
}

/**
 * Opens `collection`'s authorization URL for `provider` as a browser would, signed in at the provider as
 * `user`, and returns the code it redirects with (after checking the state came back).
 */
export async function authorize(user: TestUser, collection: string, provider?: string) {
  const methods = (await (await api(`/api/collections/${collection}/auth-methods`)).json()) as Json;
  const p = provider
    ? methods.oauth2.providers.find((x: Json) => x.name === provider)
    : methods.oauth2.providers[0];
  const url = `${p.authURL}${encodeURIComponent(REDIRECT)}&test_user=${encodeURIComponent(JSON.stringify(user))}`;
  const res = await fetch(url, { redirect: "manual" });
  const location = new URL(res.headers.get("location") ?? "");
  expect(location.searchParams.get("state")).toBe(p.state);
  return {
    code: location.searchParams.get("code") ?? "",
    codeVerifier: p.codeVerifier as string,
    provider: p,
  };
}

/** `POST auth-with-oauth2` from a fresh client IP (so the per-IP limit never interferes). */
export function signInWith(collection: string, body: Record<string, unknown>) {
  return apiJson("POST", `/api/collections/${collection}/auth-with-oauth2`, body, {
    "cf-connecting-ip": freshIp(),
  });
}

/** Rows of `table` matching `where`. */
export async function count(table: string, where = "1 = 1", ...binds: unknown[]): Promise<number> {
  const row = await env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${where}`)
    .bind(...binds)
    .first<{ n: number }>();
  return row?.n ?? 0;
}
