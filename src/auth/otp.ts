/** One-time sign-in codes: crypto-random digits, stored only as a keyed hash, checked in constant time. */

import { hmacSha256Hex, timingSafeEqualString } from "../lib/bytes";
import { randomString } from "../lib/ids";

/** Allowed code lengths; PocketBase's default is 8. */
export const OTP_MIN_LENGTH = 6;
export const OTP_MAX_LENGTH = 8;
export const OTP_DEFAULT_LENGTH = 8;
/** PocketBase's default OTP lifetime (seconds). */
export const OTP_DEFAULT_TTL_SECONDS = 180;

/** A uniformly random numeric code of `length` digits (6..8). */
export function generateOtpCode(length = OTP_DEFAULT_LENGTH): string {
  if (!Number.isInteger(length) || length < OTP_MIN_LENGTH || length > OTP_MAX_LENGTH) {
    throw new RangeError(`OTP length must be ${OTP_MIN_LENGTH}..${OTP_MAX_LENGTH}`);
  }
  return randomString(length, "0123456789");
}

/** What a code's hash is bound to. */
export interface OtpKey {
  /** The stored OTP's id: a code cannot be replayed against another OTP. */
  otpId: string;
  /** A server secret (the collection's token secret). Why keyed: a leaked table of unkeyed hashes of 6-8
   * digit codes falls to brute force in milliseconds. */
  secret: string;
}

/** The keyed hash (HMAC-SHA256, hex) to store instead of the code. */
export function hashOtpCode(code: string, key: OtpKey): Promise<string> {
  return hmacSha256Hex(key.secret, `${key.otpId.length}:${key.otpId}:${code}`);
}

/** A new OTP: the code to email, and the hash and expiry to store. */
export interface IssuedOtp {
  code: string;
  hash: string;
  expiresAt: Date;
}

/** Issues a code for `otpId`; store `hash` and `expiresAt`, email `code`, never store the code. */
export async function createOtp(
  key: OtpKey,
  options: { length?: number; ttlSeconds?: number; now?: Date } = {},
): Promise<IssuedOtp> {
  const code = generateOtpCode(options.length);
  const ttl = options.ttlSeconds ?? OTP_DEFAULT_TTL_SECONDS;
  if (!Number.isSafeInteger(ttl) || ttl <= 0) throw new RangeError("ttlSeconds must be a positive integer");
  const now = options.now ?? new Date();
  return { code, hash: await hashOtpCode(code, key), expiresAt: new Date(now.getTime() + ttl * 1000) };
}

/** A stored OTP as the check needs it. */
export interface StoredOtp {
  hash: string;
  expiresAt: Date;
}

/**
 * True when `code` matches the stored hash and has not expired. Malformed input (non-digits, wrong length,
 * not a string) is false without hashing. Attempt limits are the caller's (RateLimiter, and delete the OTP
 * after a few failures).
 */
export async function verifyOtpCode(
  code: unknown,
  stored: StoredOtp,
  key: OtpKey,
  now = new Date(),
): Promise<boolean> {
  if (typeof code !== "string" || !/^[0-9]{6,8}$/.test(code)) return false;
  if (now.getTime() >= stored.expiresAt.getTime()) return false;
  return timingSafeEqualString(await hashOtpCode(code, key), stored.hash);
}
