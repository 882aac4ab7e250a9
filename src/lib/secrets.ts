/** The one generator of collection token secrets and per-user tokenKeys: one alphabet, one length. */
import { randomString } from "./ids";

/** Length of generated token secrets and tokenKeys (PocketBase uses 50 too; ~297 bits over 62 symbols). */
export const TOKEN_SECRET_LENGTH = 50;
/** Shortest collection token secret accepted by the signer (characters). */
export const TOKEN_SECRET_MIN_LENGTH = 32;
/** Alphanumeric: safe in SQL literals, JSON and logs without escaping (scripts/superuser.mjs uses the same). */
export const TOKEN_SECRET_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/** A new random collection token secret (stored with the collection; rotating it signs everybody out). */
export function generateTokenSecret(): string {
  return randomString(TOKEN_SECRET_LENGTH, TOKEN_SECRET_ALPHABET);
}

/** A new random per-user `tokenKey`; replacing it invalidates every token issued to that user before. */
export function generateTokenKey(): string {
  return randomString(TOKEN_SECRET_LENGTH, TOKEN_SECRET_ALPHABET);
}
