/** `auth-methods`: which sign-in methods an auth collection offers (PocketBase v0.23+ shape). */
import { type ProviderAuthInfo, providerAuthInfo } from "../oauth2/auth-url";
import { type AuthFlowDeps, findAuthCollection } from "./deps";

/** The public description of a collection's sign-in methods. */
export interface AuthMethods {
  password: { enabled: boolean; identityFields: string[] };
  oauth2: { enabled: boolean; providers: ProviderAuthInfo[] };
  mfa: { enabled: boolean; duration: number };
  otp: { enabled: boolean; duration: number };
  /** Edgebase extension: whether an authenticator code signs in alone (`auth-with-totp {identity, code}`). */
  totp: { standalone: boolean };
}

/** Lists the sign-in methods of an auth collection (anyone may ask; it holds no secrets). */
export async function authMethods(
  deps: Pick<AuthFlowDeps, "db" | "store">,
  collectionIdOrName: string,
): Promise<AuthMethods> {
  const c = await findAuthCollection(deps, collectionIdOrName);
  return {
    password: { enabled: c.passwordAuth.enabled, identityFields: [...c.passwordAuth.identityFields] },
    oauth2: c.oauth2.enabled
      ? { enabled: true, providers: await Promise.all(c.oauth2.providers.map(providerAuthInfo)) }
      : { enabled: false, providers: [] },
    mfa: { enabled: c.mfa.enabled, duration: c.mfa.duration },
    otp: { enabled: c.otp.enabled, duration: c.otp.duration },
    totp: { standalone: c.totp.standalone },
  };
}
