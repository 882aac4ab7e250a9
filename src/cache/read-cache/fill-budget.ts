/** A per-collection cap on cache fills per minute, so query variants cannot turn reads into KV writes. */
import { LruMap } from "../../lib/lru-map";

/** Length of one budget window. */
export const FILL_WINDOW_MS = 60_000;
/** Most collections whose window an isolate tracks; beyond it the least recently filled is forgotten. */
export const MAX_BUDGET_COLLECTIONS = 1000;

interface Window {
  start: number;
  used: number;
}

/**
 * Counts cache fills per collection in fixed one-minute windows. A fill happens only on a miss, that is for
 * a key the cache did not hold, so capping fills caps the distinct keys written. A guest looping over
 * query variants (`?filter=id!='1'`, `'2'`, …) gets correct, uncached answers once the cap is spent.
 *
 * Why per isolate: isolates do not coordinate (a shared counter would itself be a write per read), so the
 * global bound is the cap times the isolates serving the collection, still far from one write per request.
 */
export class FillBudget {
  readonly #max: number;
  readonly #now: () => number;
  readonly #windows = new LruMap<string, Window>(MAX_BUDGET_COLLECTIONS);

  /** At most `maxPerMinute` fills per collection per window; `now` is a clock for tests. */
  constructor(maxPerMinute: number, now: () => number = Date.now) {
    if (!Number.isSafeInteger(maxPerMinute) || maxPerMinute < 0) {
      throw new TypeError(`cache maxFillsPerMinute must be a non-negative integer, got ${maxPerMinute}`);
    }
    this.#max = maxPerMinute;
    this.#now = now;
  }

  /** Takes one fill from the collection's budget; false when the window's budget is spent. */
  take(collectionId: string): boolean {
    const now = this.#now();
    let window = this.#windows.get(collectionId);
    if (!window || now - window.start >= FILL_WINDOW_MS || now < window.start) {
      window = { start: now, used: 0 };
      this.#windows.set(collectionId, window);
    }
    if (window.used >= this.#max) return false;
    window.used++;
    return true;
  }

  /** How many collections have a window now; for tests of the bound. */
  get size(): number {
    return this.#windows.size;
  }
}
