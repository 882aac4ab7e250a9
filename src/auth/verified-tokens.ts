/** A per-isolate memo of access tokens that passed full verification, so a repeat skips the JWT parse and HMAC. */
import { LruMap } from "../lib/lru-map";
import type { TokenClaims } from "./tokens";

/** Most verified tokens remembered per isolate; the least recently used is dropped beyond it. */
export const VERIFIED_TOKEN_CACHE_SIZE = 1000;

/** What a token was verified under: a hit counts only while the collection secret and tokenKey are unchanged. */
export interface VerifiedToken {
  claims: Readonly<TokenClaims<"auth">>;
  secret: string;
  tokenKey: string;
}

/**
 * Keyed by the exact token text. Why this keeps every guarantee: an entry is only made after a token verified
 * (signature, header, claims), and its result depends only on the token, the secret and the tokenKey, which
 * the caller looks up on every request (the record through its own bounded memo, auth/recent-auth-rows.ts) and
 * compares (a password change or secret rotation misses); `exp` is checked on every hit. The record and the
 * session check are never taken from here.
 */
export class VerifiedTokens {
  readonly #entries: LruMap<string, VerifiedToken>;

  constructor(maxEntries = VERIFIED_TOKEN_CACHE_SIZE) {
    this.#entries = new LruMap(maxEntries);
  }

  /** The entry for `token` while its `exp` is still ahead of `nowSeconds`, else undefined. */
  get(token: string, nowSeconds: number): VerifiedToken | undefined {
    const hit = this.#entries.get(token);
    if (hit === undefined) return undefined;
    if (hit.claims.exp > nowSeconds) return hit;
    this.#entries.delete(token);
    return undefined;
  }

  /** Remembers a token that just verified under `secret` and `tokenKey`. */
  set(token: string, entry: VerifiedToken): void {
    this.#entries.set(token, { ...entry, claims: Object.freeze({ ...entry.claims }) });
  }

  /** How many tokens are remembered (tests check the bound). */
  get size(): number {
    return this.#entries.size;
  }
}
