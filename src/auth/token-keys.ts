/** Per-type, per-user HMAC signing keys derived from a collection secret, imported once and cached per isolate. */
import { randomString } from "../lib/ids";
import { LruMap } from "../lib/lru-map";
import { utf8 } from "./bytes";

/** Shortest collection token secret accepted (characters). */
export const TOKEN_SECRET_MIN_LENGTH = 32;
/** Length of generated collection secrets and user token keys (PocketBase uses 50 too). */
export const TOKEN_SECRET_LENGTH = 50;
/** Most derived keys kept per isolate; the least recently used is dropped beyond it. */
export const TOKEN_KEY_CACHE_SIZE = 1000;

const SECRET_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/** A new random collection token secret (stored with the collection; rotating it signs everybody out). */
export function generateTokenSecret(): string {
  return randomString(TOKEN_SECRET_LENGTH, SECRET_ALPHABET);
}

/** A new random per-user `tokenKey`; replace it on password change to invalidate every token issued before. */
export function generateTokenKey(): string {
  return randomString(TOKEN_SECRET_LENGTH, SECRET_ALPHABET);
}

/** What a signing key is bound to: the collection secret, the token type and the user's tokenKey. */
export interface KeyMaterial {
  secret: string;
  type: string;
  tokenKey: string;
}

const derivedKeys = new LruMap<string, Promise<CryptoKey>>(TOKEN_KEY_CACHE_SIZE);
const baseKeys = new LruMap<string, Promise<CryptoKey>>(TOKEN_KEY_CACHE_SIZE);

function remember(cache: LruMap<string, Promise<CryptoKey>>, id: string, make: () => Promise<CryptoKey>) {
  const hit = cache.get(id);
  if (hit) return hit;
  const created = make();
  // A failed import must not poison the cache.
  created.catch(() => cache.delete(id));
  cache.set(id, created);
  return created;
}

/**
 * The HMAC-SHA256 key for one (collection secret, token type, tokenKey) triple, derived with HKDF.
 * Why derive per type: a verification token can never verify as an auth token even if a claim check were
 * missed; why include tokenKey: changing it (password change) invalidates every older token of that user, as
 * PocketBase does by signing with secret + tokenKey.
 */
export function signingKey({ secret, type, tokenKey }: KeyMaterial): Promise<CryptoKey> {
  if (secret.length < TOKEN_SECRET_MIN_LENGTH) {
    throw new RangeError(`token secret must be at least ${TOKEN_SECRET_MIN_LENGTH} characters`);
  }
  // Length-prefixed parts: no two different triples can produce the same cache id or HKDF info.
  const info = `edgebase-token:${type.length}:${type}:${tokenKey.length}:${tokenKey}`;
  return remember(derivedKeys, `${secret.length}:${secret}|${info}`, async () => {
    const base = await remember(baseKeys, secret, () =>
      crypto.subtle.importKey("raw", utf8(secret), "HKDF", false, ["deriveKey"]),
    );
    return crypto.subtle.deriveKey(
      { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: utf8(info) },
      base,
      { name: "HMAC", hash: "SHA-256", length: 256 },
      false,
      ["sign", "verify"],
    );
  });
}

/** How many derived keys this isolate holds (tests check the bound). */
export function cachedKeyCount(): number {
  return derivedKeys.size;
}

/** How many derived and base keys this isolate holds (tests check the bound). */
export function tokenKeyCacheSizes(): { derived: number; base: number } {
  return { derived: derivedKeys.size, base: baseKeys.size };
}
