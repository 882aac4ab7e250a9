/** Read-through caching: serve a fresh-enough entry, else load, answer, and fill the cache after the response. */
import type { WaitUntil } from "./generation";
import { type CacheStore, type CacheValue, checkTtl } from "./store";

/** Whether a value came from the cache. */
export type CacheStatus = "hit" | "miss";

/** What {@link cached} returns. */
export interface Cached<T> {
  value: T;
  status: CacheStatus;
}

/** Extra options of {@link cached}. */
export interface CachedOptions {
  /** Reports a failed store read or fill (the request still succeeds, as a miss). */
  onError?: (error: unknown) => void;
  /** Clock in milliseconds, for tests. Default `Date.now`. */
  now?: () => number;
  /** Asked before each fill; false returns the loaded value without storing it (a write budget). */
  mayStore?: () => boolean;
}

// Stored form: the value and when it was loaded, so age is checked on read whatever the store's TTL.
interface Envelope {
  v: CacheValue;
  t: number;
}

/**
 * Returns the value cached under `key` if it was loaded less than `ttlSeconds` ago, else calls `load`,
 * returns its value and stores it through `waitUntil` (the response does not wait for the write).
 *
 * The age travels with the entry, so `ttlSeconds` bounds staleness exactly even where the store keeps
 * entries longer (KV: at least 60 s, plus up to `cacheTtl` in a location's edge cache). A failing store
 * never fails the request; a failing `load` does, and nothing is stored. A null `load` result is not stored,
 * nor is any result when `mayStore` says no.
 */
export async function cached<T extends CacheValue>(
  store: CacheStore,
  key: string,
  ttlSeconds: number,
  load: () => Promise<T>,
  waitUntil: WaitUntil,
  options: CachedOptions = {},
): Promise<Cached<T>> {
  const now = options.now ?? Date.now;
  const onError = options.onError ?? (() => {});
  checkTtl(ttlSeconds);
  const maxAgeMs = ttlSeconds * 1000;
  try {
    const entry = await store.get<CacheValue>(key);
    if (isFresh(entry, now(), maxAgeMs)) return { value: entry.v as T, status: "hit" };
  } catch (error) {
    onError(error);
  }
  const value = await load();
  if (value !== null && value !== undefined && (options.mayStore?.() ?? true)) {
    const envelope = { v: value, t: now() } satisfies Envelope;
    waitUntil(store.set(key, envelope, { ttlSeconds }).catch(onError));
  }
  return { value, status: "miss" };
}

function isFresh(entry: unknown, now: number, maxAgeMs: number): entry is Envelope {
  if (typeof entry !== "object" || entry === null || !("v" in entry) || !("t" in entry)) return false;
  if (entry.v === null || typeof entry.t !== "number") return false;
  const age = now - entry.t;
  // A timestamp in the future (clock skew between isolates) is trusted only up to one TTL ahead.
  return age < maxAgeMs && age > -maxAgeMs;
}
