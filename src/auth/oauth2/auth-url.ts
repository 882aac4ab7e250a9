/** What `auth-methods` tells the SDK about each enabled provider: a fresh state, PKCE pair and authorization URL. */
import type { OAuth2Provider } from "../../collections/oauth2-options";
import { randomToken, toBase64Url } from "../../lib/bytes";
import { OIDC_SCOPES } from "./oidc";
import { providerInfo } from "./providers";
import { usesPkce } from "./sign-in";

/** One provider entry of `auth-methods` (PocketBase's shape). */
export interface ProviderAuthInfo {
  name: string;
  displayName: string;
  state: string;
  /** Ends with `redirect_uri=`: the SDK appends its redirect URL, as with PocketBase. */
  authURL: string;
  codeVerifier: string;
  codeChallenge: string;
  codeChallengeMethod: string;
}

/** A new state, PKCE pair (when enabled) and authorization URL for `config`. */
export async function providerAuthInfo(config: OAuth2Provider): Promise<ProviderAuthInfo> {
  const state = randomToken(24);
  const pkce = usesPkce(config);
  const codeVerifier = randomToken(32);
  const codeChallenge = pkce
    ? toBase64Url(
        new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(codeVerifier))),
      )
    : "";
  const url = new URL(config.authURL);
  url.searchParams.set("client_id", config.clientId);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("scope", OIDC_SCOPES.join(" "));
  url.searchParams.set("state", state);
  if (pkce) {
    url.searchParams.set("code_challenge", codeChallenge);
    url.searchParams.set("code_challenge_method", "S256");
  }
  return {
    name: config.name,
    displayName: config.displayName || providerInfo(config.name)?.displayName || config.name,
    state,
    authURL: `${url.href}&redirect_uri=`,
    codeVerifier,
    codeChallenge,
    codeChallengeMethod: pkce ? "S256" : "",
  };
}
