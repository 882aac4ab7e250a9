/**
 * The workers tests' side of the local OIDC provider (test/global-setup/oidc.ts): a provider config pointing at
 * it, and the browser's part of the code flow (open the authorization URL, follow the redirect to get a code).
 */
import { expect, inject } from "vitest";
import type { TestUser } from "../../global-setup/oidc";
import { api } from "../../helpers/request";
import type { Json } from "../../http/routes/auth-helpers";

/** Where the tests' OAuth2 flows say they return to. */
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

/** Opens the provider's authorization URL as a browser would and returns the code it redirects with. */
export async function authorize(user: TestUser, collection: string) {
  const methods = (await (await api(`/api/collections/${collection}/auth-methods`)).json()) as Json;
  const p = methods.oauth2.providers[0];
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
