/**
 * Sign in with Apple's client secret: an ES256 JWT signed with the developer's private key, which Apple
 * requires instead of a static secret (PocketBase's `POST /api/settings/apple/generate-client-secret`).
 */
import { importPKCS8, SignJWT } from "jose";
import { z } from "zod";
import { badRequest } from "../lib/errors";
import { parseInput } from "../lib/parse-input";

/** Apple refuses client secrets that live longer than six months. */
export const MAX_APPLE_SECRET_SECONDS = 15_777_000;

const PEM = /-----BEGIN PRIVATE KEY-----[\s\S]+-----END PRIVATE KEY-----/;

/** The request body, checked as PocketBase checks it. */
export const appleClientSecretInput = z.object({
  /** The Services ID of the app. */
  clientId: z.string().min(1).max(255),
  teamId: z.string().length(10),
  keyId: z.string().length(10),
  privateKey: z.string().max(10_000).regex(PEM, "Must be a PEM-encoded PKCS #8 private key."),
  /** Seconds the secret stays valid. */
  duration: z.number().int().min(1).max(MAX_APPLE_SECRET_SECONDS),
});

/** Builds the signed client secret; a key that is not a P-256 private key is a 400 (never echoed back). */
export async function generateAppleClientSecret(body: unknown, now = Date.now()): Promise<string> {
  const input = parseInput(appleClientSecretInput, body);
  let key: CryptoKey;
  try {
    key = await importPKCS8(input.privateKey.trim(), "ES256");
  } catch {
    throw badRequest("Failed to validate the submitted data.", {
      privateKey: {
        code: "validation_invalid_private_key",
        message: "Must be an ES256 (P-256) private key.",
      },
    });
  }
  const iat = Math.floor(now / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: "ES256", kid: input.keyId, typ: "JWT" })
    .setIssuer(input.teamId)
    .setSubject(input.clientId)
    .setAudience("https://appleid.apple.com")
    .setIssuedAt(iat)
    .setExpirationTime(iat + input.duration)
    .sign(key);
}
