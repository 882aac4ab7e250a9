/** Worker-side rate limiting: key building, the call to the key's RateLimiter object, and the 429 it maps to. */
import { tooManyRequests } from "../lib/errors";
import { sha256Hex } from "./bytes";
import { RATE_LIMIT_MAX_KEY_LENGTH, type RateLimiter, type RateLimitResult } from "./rate-limiter";

/** A limit: at most `limit` hits per sliding `windowSeconds`. */
export interface RateLimitRule {
  limit: number;
  windowSeconds: number;
}

/**
 * Suggested limits for the auth endpoints (per account and per IP; both are checked where both are known).
 * Per-account limits stop guessing one account's password from many IPs; per-IP limits stop one client
 * spraying many accounts.
 */
export const AUTH_RATE_LIMITS = {
  signInPerAccount: { limit: 10, windowSeconds: 300 },
  signInPerIp: { limit: 30, windowSeconds: 60 },
  otpPerAccount: { limit: 5, windowSeconds: 900 },
  otpPerIp: { limit: 20, windowSeconds: 900 },
  passwordResetPerAccount: { limit: 5, windowSeconds: 900 },
  passwordResetPerIp: { limit: 20, windowSeconds: 900 },
  verificationPerAccount: { limit: 5, windowSeconds: 900 },
} as const satisfies Record<string, RateLimitRule>;

/**
 * The key (and object name) for one scope and subject, e.g. `("signIn:account", "users/ann@example.com")`.
 * Long subjects are hashed so keys stay bounded; the caller normalizes (e.g. lower-cases emails) first.
 */
export async function rateLimitKey(scope: string, subject: string): Promise<string> {
  const key = `${scope}:${subject}`;
  if (key.length <= RATE_LIMIT_MAX_KEY_LENGTH) return key;
  return `${scope}:sha256:${await sha256Hex(subject)}`;
}

/** Counts one hit on `key` in its own RateLimiter object (one object per key: never a global one). */
export function checkRateLimit(
  namespace: DurableObjectNamespace<RateLimiter>,
  key: string,
  rule: RateLimitRule,
): Promise<RateLimitResult> {
  return namespace.get(namespace.idFromName(key)).hit(key, rule.limit, rule.windowSeconds);
}

/** Throws 429 with Retry-After when a hit was denied. */
export function assertAllowed(result: RateLimitResult): void {
  if (!result.allowed) throw tooManyRequests(result.retryAfterSeconds);
}

/** {@link checkRateLimit} then {@link assertAllowed}: the one call an endpoint needs. */
export async function enforceRateLimit(
  namespace: DurableObjectNamespace<RateLimiter>,
  key: string,
  rule: RateLimitRule,
): Promise<void> {
  assertAllowed(await checkRateLimit(namespace, key, rule));
}
