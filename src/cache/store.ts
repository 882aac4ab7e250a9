/** The cache store port (get, set with a TTL, delete) and the checks every adapter applies the same way. */

/** A JSON value. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** What a cache holds: any JSON value but null, because a null read means "not cached". */
export type CacheValue = Exclude<JsonValue, null>;

/** Options of {@link CacheStore.set}. */
export interface CacheSetOptions {
  /** How long the entry may be served, in seconds (> 0). An adapter may keep it longer (KV: >= 60 s). */
  ttlSeconds: number;
}

/**
 * A key-value cache of JSON values with expiry, small enough for KV and memory to implement alike (the
 * shape of OpenAuth's storage port). Entries may vanish at any time; a cache is never a source of truth.
 */
export interface CacheStore {
  /** The value stored under `key`, or null when absent or expired. `T` is the caller's claim, unchecked. */
  get<T extends CacheValue = CacheValue>(key: string): Promise<T | null>;
  /** Stores `value` under `key` for about `ttlSeconds`, replacing what was there. */
  set(key: string, value: CacheValue, options: CacheSetOptions): Promise<void>;
  /** Removes `key`; removing an absent key is not an error. */
  delete(key: string): Promise<void>;
}

/** The longest key a store accepts, in UTF-8 bytes (KV's limit). */
export const MAX_KEY_BYTES = 512;

const encoder = new TextEncoder();

/** Throws a TypeError unless `key` is a non-empty string of at most {@link MAX_KEY_BYTES} UTF-8 bytes. */
export function checkKey(key: string): string {
  if (typeof key !== "string" || key.length === 0)
    throw new TypeError("cache key must be a non-empty string");
  // A UTF-16 unit is at most 3 UTF-8 bytes, so short keys skip the encoding.
  if (key.length * 3 > MAX_KEY_BYTES && encoder.encode(key).byteLength > MAX_KEY_BYTES) {
    throw new TypeError(`cache key is longer than ${MAX_KEY_BYTES} bytes`);
  }
  return key;
}

/** Whole seconds of a TTL; throws a TypeError unless it is a positive finite number. */
export function checkTtl(ttlSeconds: number): number {
  if (typeof ttlSeconds !== "number" || !Number.isFinite(ttlSeconds) || ttlSeconds <= 0) {
    throw new TypeError(`cache ttlSeconds must be a positive number, got ${ttlSeconds}`);
  }
  return Math.ceil(ttlSeconds);
}

/** Serializes a value for storage; throws a TypeError for null and for values JSON cannot represent. */
export function serializeCacheValue(value: CacheValue): string {
  const text = value === null ? undefined : JSON.stringify(value);
  if (text === undefined) throw new TypeError("cache value must be a JSON value other than null");
  return text;
}

/** Parses a stored value; anything unparseable (a foreign or corrupt entry) reads as a miss. */
export function parseCacheValue<T extends CacheValue>(text: string | null): T | null {
  if (text === null) return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}
