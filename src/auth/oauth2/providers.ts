/** The OAuth2 providers sign-in supports: names, display names and the defaults a configuration starts from. */
import { OAUTH2_PROVIDER_NAMES } from "../../collections/oauth2-options";

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
}

const OIDC = { displayName: "OIDC", authURL: "", tokenURL: "", userInfoURL: "", pkce: true };

const INFO: Record<(typeof OAUTH2_PROVIDER_NAMES)[number], Omit<ProviderInfo, "name">> = {
  oidc: OIDC,
  oidc2: OIDC,
  oidc3: OIDC,
};

/** Every supported provider with its defaults, sorted by name. */
export function listProviders(): ProviderInfo[] {
  return OAUTH2_PROVIDER_NAMES.map((name) => ({ name, ...INFO[name] })).sort((a, b) =>
    a.name < b.name ? -1 : 1,
  );
}

/** The defaults of provider `name`, or undefined when it is not supported. */
export function providerInfo(name: string): ProviderInfo | undefined {
  return listProviders().find((p) => p.name === name);
}
