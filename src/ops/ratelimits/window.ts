/**
 * Per-isolate fixed-window counters: no I/O at all, so every `/api/` request can afford a check. The price is
 * exactness: each isolate counts on its own, so a client spread over N isolates may get up to N× the limit
 * (README "Rate limits"). The auth throttles that must be exact stay on their Durable Object (auth/rate-limit*.ts).
 */
import { LruMap } from "../../lib/lru-map";

/** Keys (rule + client) tracked per isolate; the least recently seen are forgotten beyond it. */
export const MAX_TRACKED_KEYS = 10_000;

interface Window {
  start: number;
  count: number;
}

/** A check's outcome: allowed, or refused with the seconds until the window resets. */
export type WindowResult = { ok: true } | { ok: false; retryAfterSeconds: number };

/** The counters of one isolate. */
export class WindowCounter {
  readonly #windows: LruMap<string, Window>;
  readonly #clock: () => number;

  constructor(maxKeys = MAX_TRACKED_KEYS, clock: () => number = () => Date.now()) {
    this.#windows = new LruMap(maxKeys);
    this.#clock = clock;
  }

  /** Counts one request under `key`: at most `max` per window of `durationSeconds`. */
  hit(key: string, max: number, durationSeconds: number): WindowResult {
    const now = this.#clock();
    const length = durationSeconds * 1000;
    let w = this.#windows.get(key);
    if (!w || now - w.start >= length) {
      w = { start: now, count: 0 };
      this.#windows.set(key, w);
    }
    if (w.count >= max)
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((w.start + length - now) / 1000)) };
    w.count += 1;
    return { ok: true };
  }

  /** Keys tracked (for bound tests). */
  get size(): number {
    return this.#windows.size;
  }
}
