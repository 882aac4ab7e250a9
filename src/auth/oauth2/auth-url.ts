/** What `auth-methods` tells the SDK about each enabled provider: a fresh state, PKCE pair and authorization URL. */
import type { OAuth2Provider } from "../../collections/oauth2-options";
import { randomToken, toBase64Url } from "../../lib/bytes";
import { providerSpec, withDefaultURLs } from "./providers";
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
export async function providerAuthInfo(stored: OAuth2Provider): Promise<ProviderAuthInfo> {
  const config = withDefaultURLs(stored);
  const spec = providerSpec(config.name);
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
  url.searchParams.set("scope", (spec?.scopes ?? []).join(" "));
  url.searchParams.set("state", state);
  for (const [key, value] of Object.entries(spec?.authParams ?? {})) url.searchParams.set(key, value);
  if (pkce) {
    url.searchParams.set("code_challenge", codeChallenge);
    url.searchParams.set("code_challenge_method", "S256");
  }
  return {
    name: config.name,
    displayName: config.displayName || spec?.displayName || config.name,
    state,
    authURL: `${url.href}&redirect_uri=`,
    codeVerifier,
    codeChallenge,
    codeChallengeMethod: pkce ? "S256" : "",
  };
}
