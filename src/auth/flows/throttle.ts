/** Per-IP and per-account throttling of one auth action (each key in its own RateLimiter object). */
import { enforceRateLimit, type RateLimitRule, rateLimitKey } from "../rate-limit";
import type { AuthFlowDeps } from "./deps";

/**
 * Counts one attempt of `scope` for the client's IP and for `account` (normalized by the caller, e.g. a
 * lower-cased `<collectionId>/<email>`); throws 429 with Retry-After when either limit is reached.
 */
export async function throttle(
  deps: Pick<AuthFlowDeps, "limiter" | "client">,
  scope: string,
  account: string,
  perAccount: RateLimitRule,
  perIp: RateLimitRule,
): Promise<void> {
  await enforceRateLimit(deps.limiter, await rateLimitKey(`${scope}:ip`, deps.client.ip), perIp);
  await enforceRateLimit(deps.limiter, await rateLimitKey(`${scope}:account`, account), perAccount);
}
