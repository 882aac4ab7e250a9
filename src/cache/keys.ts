/** Cache keys, built in one place: `eb:` + URI-encoded parts joined by `:`, hashed when too long. */
import { sha256Hex } from "../lib/bytes";
import { MAX_KEY_BYTES } from "./store";

/** Every Edgebase key starts with this, so a shared namespace can hold other data. */
export const CACHE_KEY_PREFIX = "eb:";
/** Separates parts; it cannot occur inside a part, which is URI-encoded. */
export const KEY_SEPARATOR = ":";
// Marks a hashed tail; `#` is URI-encoded inside parts, so a hashed key never equals a plain one.
const HASH_MARK = "#";
const HASH_HEX_LENGTH = 64;

/** One part of a key; numbers must be finite. */
export type KeyPart = string | number;

/**
 * Joins parts into a key. Distinct part lists give distinct keys (each part is URI-encoded, so it holds
 * no separator); parts compare as text, so `1` and `"1"` are the same part. A key over 512 bytes keeps its head and replaces the rest by the SHA-256 of the whole
 * key, so it still starts with its first parts and stays unique.
 */
export async function cacheKey(parts: readonly KeyPart[]): Promise<string> {
  if (parts.length === 0) throw new TypeError("a cache key needs at least one part");
  const key = CACHE_KEY_PREFIX + parts.map(encodePart).join(KEY_SEPARATOR);
  // encodeURIComponent output is ASCII: its length is its byte length.
  if (key.length <= MAX_KEY_BYTES) return key;
  return (
    key.slice(0, MAX_KEY_BYTES - HASH_MARK.length - HASH_HEX_LENGTH) + HASH_MARK + (await sha256Hex(key))
  );
}

/** The key holding a collection's current cache generation. */
export function generationKey(collection: string): Promise<string> {
  return cacheKey(["gen", collection]);
}

/**
 * A key for cached data of a collection at a generation, e.g. `["list", normalizedQuery]`. Bumping the
 * generation moves every reader to new keys, so old entries are never read again and simply expire.
 */
export function collectionDataKey(
  collection: string,
  generation: string,
  parts: readonly KeyPart[],
): Promise<string> {
  return cacheKey(["data", collection, generation, ...parts]);
}

function encodePart(part: KeyPart): string {
  if (typeof part === "number") {
    if (!Number.isFinite(part)) throw new TypeError(`a cache key part must be finite, got ${part}`);
    return String(part);
  }
  if (typeof part !== "string") throw new TypeError("a cache key part must be a string or a number");
  try {
    return encodeURIComponent(part);
  } catch {
    // A lone surrogate (possible in client JSON) makes encodeURIComponent throw. `%u` never appears in its
    // output, so escaping surrogates as `%uXXXX` keeps the encoding one-to-one.
    return part.replace(SURROGATE_OR_RUN, (m) =>
      m.length === 1 && isSurrogate(m) ? `%u${m.charCodeAt(0).toString(16)}` : encodeURIComponent(m),
    );
  }
}

const SURROGATE_OR_RUN = /[\uD800-\uDBFF][\uDC00-\uDFFF]|[\uD800-\uDFFF]|[^\uD800-\uDFFF]+/g;

function isSurrogate(char: string): boolean {
  const code = char.charCodeAt(0);
  return code >= 0xd800 && code <= 0xdfff;
}
