/**
 * Password hashing (PBKDF2-HMAC-SHA256 via WebCrypto), verification with rehash detection (PocketBase's bcrypt
 * hashes included, imported by `edgebase import pocketbase`), and the length policy.
 */

import { fromBase64, randomBytes, timingSafeEqual, toBase64, utf8 } from "../lib/bytes";
import type { FieldError } from "../lib/errors";

/** The hard cap: production Workers reject PBKDF2 with more iterations (NotSupportedError); local workerd does not. */
export const PBKDF2_MAX_ITERATIONS = 100_000;
/** Iterations used for new hashes. Raising it later is safe: old hashes verify and report `needsRehash`. */
export const PBKDF2_ITERATIONS = 100_000;
/** Salt length in bytes for new hashes. */
export const PASSWORD_SALT_BYTES = 16;
/** Derived key length in bytes. */
export const PASSWORD_HASH_BYTES = 32;
/** Prefix naming the algorithm in the stored string: `pbkdf2_sha256$<iterations>$<salt b64>$<hash b64>`. */
export const PASSWORD_HASH_PREFIX = "pbkdf2_sha256";

/** Shortest minimum a collection may configure, and the default. */
export const PASSWORD_MIN_LENGTH = 8;
/** Longest password accepted at all (characters). Bounds the hashing input; never truncated silently. */
export const PASSWORD_MAX_LENGTH = 256;
/** A collection's configured maximum may not go below this, so passphrases always fit. */
export const PASSWORD_MAX_LENGTH_FLOOR = 64;

/** bcrypt hashes as PocketBase stores them (`$2a$10$…`; Go writes `$2a$`, other tools `$2b$` / `$2y$`). */
const BCRYPT_HASH = /^\$2[aby]\$(\d{2})\$[./A-Za-z0-9]{53}$/;
/**
 * Highest bcrypt cost verified. PocketBase's default is 10 (≈60-90 ms of CPU in bcryptjs on V8, see README);
 * each step doubles it, so a hash above 12 would exceed a Worker's CPU budget and is treated as unusable.
 */
export const BCRYPT_MAX_COST = 12;
/** bcrypt reads at most 72 bytes; a longer password could match on its prefix alone, so it never matches. */
const BCRYPT_MAX_BYTES = 72;

/** Outcome of {@link verifyPassword}. */
export interface PasswordCheck {
  /** True when the password matches the stored hash. */
  ok: boolean;
  /** True when the password matched but the hash uses older parameters: store `hashPassword(password)` now. */
  needsRehash: boolean;
}

interface ParsedHash {
  iterations: number;
  salt: Uint8Array<ArrayBuffer>;
  hash: Uint8Array<ArrayBuffer>;
}

async function pbkdf2(password: string, salt: Uint8Array<ArrayBuffer>, iterations: number, bytes: number) {
  // Refuse here rather than let production throw NotSupportedError at sign-in.
  if (!Number.isSafeInteger(iterations) || iterations < 1 || iterations > PBKDF2_MAX_ITERATIONS) {
    throw new RangeError(`PBKDF2 iterations must be 1..${PBKDF2_MAX_ITERATIONS}`);
  }
  const key = await crypto.subtle.importKey("raw", utf8(password), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations },
    key,
    bytes * 8,
  );
  return new Uint8Array(bits);
}

function parseHash(stored: string): ParsedHash | undefined {
  const parts = stored.split("$");
  if (parts.length !== 4 || parts[0] !== PASSWORD_HASH_PREFIX) return undefined;
  const iterations = Number(parts[1]);
  const salt = fromBase64(parts[2] ?? "");
  const hash = fromBase64(parts[3] ?? "");
  if (!/^[1-9][0-9]{0,8}$/.test(parts[1] ?? "") || iterations > PBKDF2_MAX_ITERATIONS) return undefined;
  if (!salt || !hash || salt.length < 8 || hash.length < 16 || hash.length > 64) return undefined;
  return { iterations, salt, hash };
}

/** Hashes a password with a fresh random salt; the result names its algorithm and parameters. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(PASSWORD_SALT_BYTES);
  const hash = await pbkdf2(password, salt, PBKDF2_ITERATIONS, PASSWORD_HASH_BYTES);
  return [PASSWORD_HASH_PREFIX, PBKDF2_ITERATIONS, toBase64(salt), toBase64(hash)].join("$");
}

/**
 * Checks a password against a stored hash in constant time. A malformed or unknown hash string never matches
 * (and still costs one full derivation, so it is not a timing oracle either).
 */
export async function verifyPassword(password: string, stored: string): Promise<PasswordCheck> {
  const bcrypt = BCRYPT_HASH.exec(stored);
  if (bcrypt) return verifyBcrypt(password, stored, Number(bcrypt[1]));
  const parsed = parseHash(stored);
  // Longer than any password the policy lets anyone set: it cannot match, and is never hashed in full.
  const tooLong = typeof password !== "string" || password.length > PASSWORD_MAX_LENGTH * 2;
  if (!parsed || tooLong) {
    await dummyVerify(tooLong ? "" : password);
    return { ok: false, needsRehash: false };
  }
  const actual = await pbkdf2(password, parsed.salt, parsed.iterations, parsed.hash.length);
  const ok = timingSafeEqual(actual, parsed.hash);
  const outdated =
    parsed.iterations !== PBKDF2_ITERATIONS ||
    parsed.salt.length !== PASSWORD_SALT_BYTES ||
    parsed.hash.length !== PASSWORD_HASH_BYTES;
  return { ok, needsRehash: ok && outdated };
}

/**
 * Checks a bcrypt hash (an imported PocketBase user who has not signed in since). A match always reports
 * `needsRehash`, so the first sign-in replaces it with PBKDF2 and the bcrypt cost is paid once per user.
 */
async function verifyBcrypt(password: string, stored: string, cost: number): Promise<PasswordCheck> {
  const usable =
    typeof password === "string" &&
    cost >= 4 &&
    cost <= BCRYPT_MAX_COST &&
    utf8(password).length <= BCRYPT_MAX_BYTES;
  if (!usable) {
    await dummyVerify("");
    return { ok: false, needsRehash: false };
  }
  // Loaded on first use: only deployments with imported users ever run it.
  const { compare } = await import("bcryptjs");
  const ok = await compare(password, stored);
  return { ok, needsRehash: ok };
}

/** True when `stored` is a hash {@link verifyPassword} can check (PBKDF2 as Edgebase writes it, or bcrypt). */
export function isPasswordHash(stored: string): boolean {
  return parseHash(stored) !== undefined || BCRYPT_HASH.test(stored);
}

const DUMMY_SALT = new Uint8Array(PASSWORD_SALT_BYTES);

/**
 * Spends the same work as {@link verifyPassword} and always fails. Call it for unknown identities so that a
 * wrong email and a wrong password cost the same time (no account enumeration by timing).
 */
export async function dummyVerify(password: string): Promise<PasswordCheck> {
  const actual = await pbkdf2(password, DUMMY_SALT, PBKDF2_ITERATIONS, PASSWORD_HASH_BYTES);
  timingSafeEqual(actual, DUMMY_SALT);
  return { ok: false, needsRehash: false };
}

/** A collection's password length rule; both bounds are clamped to what the hashing layer supports. */
export interface PasswordPolicy {
  /** Minimum length in characters (default {@link PASSWORD_MIN_LENGTH}, never below it). */
  min?: number;
  /** Maximum length in characters (default and ceiling {@link PASSWORD_MAX_LENGTH}, never below 64). */
  max?: number;
}

/** The effective bounds of a policy after clamping. */
export function passwordBounds(policy: PasswordPolicy = {}): { min: number; max: number } {
  const max = Math.min(
    PASSWORD_MAX_LENGTH,
    Math.max(PASSWORD_MAX_LENGTH_FLOOR, Math.floor(policy.max ?? PASSWORD_MAX_LENGTH)),
  );
  const min = Math.min(max, Math.max(PASSWORD_MIN_LENGTH, Math.floor(policy.min ?? PASSWORD_MIN_LENGTH)));
  return { min, max };
}

/**
 * Checks a submitted password against the policy. Returns the field error to report (PocketBase codes), or null.
 * Length counts characters (code points), as PocketBase counts runes; an over-long password is refused, never
 * truncated.
 */
export function passwordPolicyError(password: unknown, policy: PasswordPolicy = {}): FieldError | null {
  const { min, max } = passwordBounds(policy);
  if (typeof password !== "string" || password.length === 0) {
    return { code: "validation_required", message: "Cannot be blank." };
  }
  // Cheap pre-check: UTF-16 length is at least the code point count, so a huge string is rejected before iterating.
  const length = password.length > max * 2 ? password.length : [...password].length;
  if (length < min) {
    return { code: "validation_min_text_constraint", message: `Must be at least ${min} character(s).` };
  }
  if (length > max) {
    return { code: "validation_max_text_constraint", message: `Must be no more than ${max} character(s).` };
  }
  return null;
}
