/**
 * RFC 6238 codes through the otpauth library (loaded on first use): 6 digits, 30-second steps, SHA-1 (what
 * authenticator apps support), a ±1 step window; and the single-use recovery codes, stored as keyed hashes.
 */
import { hmacSha256Hex } from "../../lib/bytes";
import { randomString } from "../../lib/ids";

/** Seconds per step. */
export const TOTP_PERIOD = 30;
/** Digits per code. */
export const TOTP_DIGITS = 6;
/** Steps accepted either side of the current one (clock drift, a code typed as it changed). */
export const TOTP_WINDOW = 1;
/** Recovery codes issued at confirmation. */
export const RECOVERY_CODE_COUNT = 10;

const RECOVERY_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789";
const RECOVERY_CODE = /^[a-z0-9]{5}-[a-z0-9]{5}$/;

/** A new random secret (160 bits, as RFC 4226 recommends), base32 encoded. */
export async function newTotpSecret(): Promise<string> {
  const { Secret } = await import("otpauth");
  return new Secret({ size: 20 }).base32;
}

/** The `otpauth://` URI an authenticator app reads from a QR code. */
export async function totpUri(options: { issuer: string; label: string; secret: string }): Promise<string> {
  const { Secret, TOTP } = await import("otpauth");
  return new TOTP({
    issuer: options.issuer,
    label: options.label,
    secret: Secret.fromBase32(options.secret),
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD,
    algorithm: "SHA1",
  }).toString();
}

/** The absolute step a valid code belongs to (for replay refusal), or undefined when it is not valid now. */
export async function matchTotp(secret: string, code: string, now = Date.now()): Promise<number | undefined> {
  if (!new RegExp(`^[0-9]{${TOTP_DIGITS}}$`).test(code)) return undefined;
  const { Secret, TOTP } = await import("otpauth");
  const delta = TOTP.validate({
    token: code,
    secret: Secret.fromBase32(secret),
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD,
    algorithm: "SHA1",
    timestamp: now,
    window: TOTP_WINDOW,
  });
  return delta === null ? undefined : Math.floor(now / 1000 / TOTP_PERIOD) + delta;
}

/** True when the input has the shape of a recovery code (so it is never tried as a TOTP code). */
export function isRecoveryCode(value: string): boolean {
  return RECOVERY_CODE.test(value.trim().toLowerCase());
}

/** Fresh recovery codes, `xxxxx-xxxxx` (about 50 bits each). */
export function newRecoveryCodes(): string[] {
  return Array.from(
    { length: RECOVERY_CODE_COUNT },
    () => `${randomString(5, RECOVERY_ALPHABET)}-${randomString(5, RECOVERY_ALPHABET)}`,
  );
}

/** The stored form of a recovery code: an HMAC keyed with the collection secret, bound to the record. */
export function hashRecoveryCode(
  collectionSecret: string,
  ref: { collectionId: string; recordId: string },
  code: string,
): Promise<string> {
  return hmacSha256Hex(
    collectionSecret,
    `totp-recovery:${ref.collectionId}:${ref.recordId}:${code.trim().toLowerCase()}`,
  );
}
