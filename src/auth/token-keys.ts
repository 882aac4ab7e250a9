/** Per-type, per-user HMAC signing keys derived from a collection secret, imported once and cached per isolate. */
import { sha256Hex, utf8 } from "../lib/bytes";
import { LruMap } from "../lib/lru-map";
import { TOKEN_SECRET_MIN_LENGTH } from "../lib/secrets";
/** Most derived keys kept per isolate; the least recently used is dropped beyond it. */
export const TOKEN_KEY_CACHE_SIZE = 1000;

/** What a signing key is bound to: the collection secret, the token type and the user's tokenKey. */
export interface KeyMaterial {
  secret: string;
  type: string;
  tokenKey: string;
}

const derivedKeys = new LruMap<string, Promise<CryptoKey>>(TOKEN_KEY_CACHE_SIZE);
const baseKeys = new LruMap<string, Promise<CryptoKey>>(TOKEN_KEY_CACHE_SIZE);
const fingerprints = new LruMap<string, Promise<string>>(TOKEN_KEY_CACHE_SIZE);

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

/**
 * A fingerprint of the keys a user's tokens are signed with (collection secret + the user's tokenKey). Each
 * session stores the one it was created under; a refresh under another one fails, so re-keying (password
 * change or reset, `npm run superuser`, rotateTokenSecret) ends every refresh token too, even when the
 * re-keying could not reach the user's sessions object.
 */
export function keyFingerprint(secret: string, tokenKey: string): Promise<string> {
  // Cached by its whole input: a new tokenKey or secret is a new entry, so nothing here outlives a re-keying.
  const input = `${secret.length}:${secret}|${tokenKey}`;
  const hit = fingerprints.get(input);
  if (hit) return hit;
  const made = sha256Hex(input).then((hex) => hex.slice(0, 32));
  made.catch(() => fingerprints.delete(input));
  fingerprints.set(input, made);
  return made;
}

/** How many key fingerprints this isolate holds (tests check the bound). */
export function fingerprintCacheSize(): number {
  return fingerprints.size;
}
