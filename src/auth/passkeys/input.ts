/** zod schemas of the passkey endpoints' bodies: WebAuthn's JSON encodings, every string bounded. */
import { z } from "zod";

const b64url = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[A-Za-z0-9_-]+$/, "Must be base64url.");

/** Longest passkey name. */
export const MAX_PASSKEY_NAME_LENGTH = 100;

const transports = z.array(z.string().max(32)).max(10).optional();

/** A `PublicKeyCredential` from `navigator.credentials.create()`, as JSON (`toJSON()`). */
export const registrationCredentialSchema = z.object({
  id: b64url(1024),
  rawId: b64url(1024),
  type: z.literal("public-key"),
  response: z.object({
    clientDataJSON: b64url(4096),
    attestationObject: b64url(32_768),
    transports,
  }),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
  authenticatorAttachment: z.string().max(32).optional(),
});

/** A `PublicKeyCredential` from `navigator.credentials.get()`, as JSON. */
export const authenticationCredentialSchema = z.object({
  id: b64url(1024),
  rawId: b64url(1024),
  type: z.literal("public-key"),
  response: z.object({
    clientDataJSON: b64url(4096),
    authenticatorData: b64url(4096),
    signature: b64url(1024),
    userHandle: b64url(256).optional(),
  }),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
  authenticatorAttachment: z.string().max(32).optional(),
});

/** `POST passkeys`: the new credential and a name for it. */
export const registerSchema = z.object({
  name: z.string().trim().min(1).max(MAX_PASSKEY_NAME_LENGTH).default("Passkey"),
  credential: registrationCredentialSchema,
});

/** `POST passkey-options`: an identity for a sign-in with it, or none for a discoverable one. */
export const signInOptionsSchema = z.object({
  identity: z.string().max(320).optional(),
});

/** `POST auth-with-passkey`. */
export const signInSchema = z.object({
  credential: authenticationCredentialSchema,
  mfaId: z.string().max(100).optional(),
});
