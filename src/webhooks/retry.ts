/** When a failed delivery is tried again: exponential backoff over about a day, then `failed`. */

/**
 * Seconds to wait after the 1st, 2nd, … failed attempt (Standard Webhooks' suggested schedule): 8 attempts
 * in all, the last about 27 hours after the first.
 */
export const DEFAULT_RETRY_DELAYS: readonly number[] = [5, 300, 1800, 7200, 18000, 36000, 36000];

/** Cloudflare Queues delays a message by at most 12 hours. */
const MAX_DELAY_SECONDS = 43_200;

/**
 * The retry delays: `EDGEBASE_WEBHOOK_RETRY_DELAYS` (comma-separated seconds, e.g. "1,1,1" for tests: 4
 * attempts a second apart) when set and valid, else {@link DEFAULT_RETRY_DELAYS}.
 */
export function retryDelays(setting: string | undefined): readonly number[] {
  if (!setting) return DEFAULT_RETRY_DELAYS;
  const delays = setting.split(",").map((s) => Number(s.trim()));
  const valid =
    delays.length <= 20 && delays.every((d) => Number.isInteger(d) && d >= 0 && d <= MAX_DELAY_SECONDS);
  return valid ? delays : DEFAULT_RETRY_DELAYS;
}

/** The delay before the next attempt after `attempts` failed ones, or undefined when it was the last. */
export function nextDelay(delays: readonly number[], attempts: number): number | undefined {
  return attempts >= 1 && attempts <= delays.length ? delays[attempts - 1] : undefined;
}
