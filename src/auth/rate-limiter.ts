/** The RateLimiter Durable Object: an exact sliding-window counter, one object per key (account or IP). */
import { DurableObject } from "cloudflare:workers";

/** Largest limit and window accepted; bigger asks are clamped (they are configuration, not client input). */
export const RATE_LIMIT_MAX_LIMIT = 1000;
export const RATE_LIMIT_MAX_WINDOW_SECONDS = 86_400;
/** Longest key stored; longer or empty keys fail closed (auth/rate-limit.ts hashes long keys first). */
export const RATE_LIMIT_MAX_KEY_LENGTH = 256;

/** Outcome of one {@link RateLimiter.hit}. */
export interface RateLimitResult {
  /** True when the hit was counted and the action may proceed. */
  allowed: boolean;
  /** Hits left in the current window after this one. */
  remaining: number;
  /** When denied: whole seconds until one hit frees up (>= 1); 0 when allowed. */
  retryAfterSeconds: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS hits (key TEXT NOT NULL, at INTEGER NOT NULL, expires INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS hits_key_at ON hits (key, at);
`;

function clampInt(value: number, min: number, max: number): number {
  if (!Number.isFinite(value)) return min;
  return Math.min(max, Math.max(min, Math.floor(value)));
}

/**
 * Counts hits per key over a sliding window. Denied hits are not counted, so a client that keeps trying is
 * let through again as soon as old hits leave the window: throttling, never a permanent lockout.
 */
export class RateLimiter extends DurableObject<Cloudflare.Env> {
  #sql: SqlStorage;
  #hasSchema = false;

  constructor(ctx: DurableObjectState, env: Cloudflare.Env) {
    super(ctx, env);
    this.#sql = ctx.storage.sql;
    this.#ensureSchema();
  }

  /** Records a hit for `key` if fewer than `limit` happened in the last `windowSeconds`. */
  async hit(key: string, limit: number, windowSeconds: number): Promise<RateLimitResult> {
    const max = clampInt(limit, 1, RATE_LIMIT_MAX_LIMIT);
    const windowMs = clampInt(windowSeconds, 1, RATE_LIMIT_MAX_WINDOW_SECONDS) * 1000;
    if (typeof key !== "string" || key.length === 0 || key.length > RATE_LIMIT_MAX_KEY_LENGTH) {
      // Fail closed: a caller bug must not turn throttling off.
      return { allowed: false, remaining: 0, retryAfterSeconds: windowMs / 1000 };
    }
    this.#ensureSchema();
    const now = Date.now();
    this.#sql.exec("DELETE FROM hits WHERE key = ? AND at <= ?", key, now - windowMs);
    const count = this.#sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM hits WHERE key = ?", key).one().n;
    if (count >= max) {
      // The slot that frees first: with `count` hits kept and `max` allowed, the (count - max + 1)-th oldest.
      const oldest = this.#sql
        .exec<{ at: number }>(
          "SELECT at FROM hits WHERE key = ? ORDER BY at LIMIT 1 OFFSET ?",
          key,
          count - max,
        )
        .one().at;
      const retryAfterSeconds = Math.max(1, Math.ceil((oldest + windowMs - now) / 1000));
      return { allowed: false, remaining: 0, retryAfterSeconds };
    }
    this.#sql.exec("INSERT INTO hits (key, at, expires) VALUES (?, ?, ?)", key, now, now + windowMs);
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current < now + windowMs) await this.ctx.storage.setAlarm(now + windowMs);
    return { allowed: true, remaining: max - count - 1, retryAfterSeconds: 0 };
  }

  /** Drops expired hits; an object left with none deletes its storage entirely. At-least-once safe. */
  override async alarm(): Promise<void> {
    if (!this.#hasSchema) return;
    const now = Date.now();
    this.#sql.exec("DELETE FROM hits WHERE expires <= ?", now);
    const next = this.#sql.exec<{ next: number | null }>("SELECT MAX(expires) AS next FROM hits").one().next;
    if (next === null) {
      await this.ctx.storage.deleteAll();
      this.#hasSchema = false;
      return;
    }
    await this.ctx.storage.setAlarm(next);
  }

  #ensureSchema(): void {
    if (this.#hasSchema) return;
    this.#sql.exec(SCHEMA);
    this.#hasSchema = true;
  }
}
