/**
 * The superuser's other sign-in methods, through the SDK client: MFA's pending `mfaId`, authenticator-app codes
 * (`auth-with-totp`) and passkeys (WebAuthn in the browser, `passkey-options` / `auth-with-passkey` on the API),
 * and managing them once signed in. The SDK has no methods for Edgebase's extensions, so these use `pb.send`.
 */
import { ClientResponseError, type RecordModel } from "pocketbase";
import { pb } from "./client";

const BASE = "/api/collections/_superusers";
const PASSKEY_HINT = "edgebase_dashboard_passkey";

/** What every sign-in endpoint answers. */
interface AuthBody {
  token: string;
  record: RecordModel;
}

/** A registered passkey as its owner sees it. */
export interface Passkey {
  id: string;
  name: string;
  lastUsed: string;
  created: string;
}

/** The pending `mfaId` of a first factor's 401, if the error is one. */
export function mfaIdOf(error: unknown): string | undefined {
  if (!(error instanceof ClientResponseError) || error.status !== 401) return undefined;
  const mfaId = (error.response as { mfaId?: unknown }).mfaId;
  return typeof mfaId === "string" && mfaId ? mfaId : undefined;
}

/** True when the browser can use passkeys at all. */
export function passkeysSupported(): boolean {
  return typeof PublicKeyCredential !== "undefined" && "parseRequestOptionsFromJSON" in PublicKeyCredential;
}

/**
 * True when this browser registered or used a superuser passkey: the login page then offers passkey-only sign-in.
 * Why a local hint: the API does not tell strangers whether superusers have passkeys.
 */
export function passkeyHinted(): boolean {
  return passkeysSupported() && localStorage.getItem(PASSKEY_HINT) === "1";
}

function rememberPasskey(): void {
  localStorage.setItem(PASSKEY_HINT, "1");
}

function signedIn(body: AuthBody): void {
  pb.authStore.save(body.token, body.record);
}

/**
 * Signs in with an authenticator or recovery code: completing a pending MFA (`mfaId`), or by `identity` where the
 * collection allows a code alone (`totp.standalone`; where MFA applies this is a first factor's 401).
 */
export async function signInWithTotp(
  code: string,
  who: { mfaId: string } | { identity: string },
): Promise<void> {
  signedIn(await pb.send<AuthBody>(`${BASE}/auth-with-totp`, { method: "POST", body: { ...who, code } }));
}

/**
 * Signs in with a passkey: discoverable without `identity`, else among that superuser's passkeys; with `mfaId`
 * it completes a pending MFA. A first factor's 401 (with its `mfaId`) is thrown to the caller.
 */
export async function signInWithPasskey(options: { identity?: string; mfaId?: string } = {}): Promise<void> {
  const request = await pb.send<PublicKeyCredentialRequestOptionsJSON>(`${BASE}/passkey-options`, {
    method: "POST",
    body: options.identity ? { identity: options.identity } : {},
  });
  const credential = await navigator.credentials.get({
    publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(request),
  });
  if (!(credential instanceof PublicKeyCredential)) throw new Error("No passkey was chosen.");
  const body = { credential: credential.toJSON(), ...(options.mfaId ? { mfaId: options.mfaId } : {}) };
  try {
    signedIn(await pb.send<AuthBody>(`${BASE}/auth-with-passkey`, { method: "POST", body }));
  } catch (error) {
    // A first factor's 401 means the passkey itself was accepted.
    if (mfaIdOf(error)) rememberPasskey();
    throw error;
  }
  rememberPasskey();
}

/** The signed-in superuser's passkeys. */
export async function listPasskeys(): Promise<Passkey[]> {
  return (await pb.send<{ items: Passkey[] }>(`${BASE}/passkeys`, { method: "GET" })).items;
}

/** Creates a passkey on this device (the browser asks the user) and registers it under `name`. */
export async function registerPasskey(name: string): Promise<void> {
  const options = await pb.send<PublicKeyCredentialCreationOptionsJSON>(
    `${BASE}/passkeys/registration-options`,
    {
      method: "POST",
    },
  );
  const credential = await navigator.credentials.create({
    publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options),
  });
  if (!(credential instanceof PublicKeyCredential)) throw new Error("No passkey was created.");
  await pb.send(`${BASE}/passkeys`, { method: "POST", body: { name, credential: credential.toJSON() } });
  rememberPasskey();
}

/** Deletes one of the signed-in superuser's passkeys. */
export async function deletePasskey(id: string): Promise<void> {
  await pb.send(`${BASE}/passkeys/${encodeURIComponent(id)}`, { method: "DELETE" });
}

/** Whether the superuser's authenticator app is enabled, and its recovery codes left. */
export function totpStatus(): Promise<{ enabled: boolean; recoveryCodesLeft: number }> {
  return pb.send(`${BASE}/totp`, { method: "GET" });
}

/** Starts enrolling an authenticator app: its secret and `otpauth://` URI. */
export function enrollTotp(): Promise<{ secret: string; uri: string }> {
  return pb.send(`${BASE}/totp/enroll`, { method: "POST" });
}

/** Enables the enrolled authenticator with a first code; returns the recovery codes (shown once). */
export async function confirmTotp(code: string): Promise<string[]> {
  return (
    await pb.send<{ recoveryCodes: string[] }>(`${BASE}/totp/confirm`, { method: "POST", body: { code } })
  ).recoveryCodes;
}

/** Disables the authenticator app with the account password. */
export async function disableTotp(password: string): Promise<void> {
  await pb.send(`${BASE}/totp/disable`, { method: "POST", body: { password } });
}
