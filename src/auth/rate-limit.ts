/** Worker-side rate limiting: key building, the call to the key's RateLimiter object, and the 429 it maps to. */

import { sha256Hex } from "../lib/bytes";
import { tooManyRequests } from "../lib/errors";
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
  signUpPerIp: { limit: 20, windowSeconds: 3600 },
} as const satisfies Record<string, RateLimitRule>;

/**
 * The per-account limits count attempts per (account, client IP) pair, so guessing from one place cannot lock
 * the owner out from another; this factor gives each account a looser ceiling over all IPs together, which
 * still stops a distributed guesser (at the price that such an attacker can exhaust it).
 */
export const ACCOUNT_CEILING_FACTOR = 10;

/**
 * The rate-limit bucket of a client IP: IPv4 as is, IPv6 by its /64 (one subscriber's allocation: rotating
 * addresses inside it gains nothing), anything else (not an IP) as given, cut to 64 characters. Null when
 * there is no IP: the caller then skips per-IP limits rather than share one global bucket.
 */
export function ipBucket(ip: string | undefined | null): string | null {
  const value = ip?.trim() ?? "";
  if (value === "") return null;
  if (!value.includes(":")) return value.slice(0, 64);
  const groups = expandIpv6(value);
  return groups ? `${groups.slice(0, 4).join(":")}::/64` : value.slice(0, 64);
}

/** The 8 groups of an IPv6 address (lower-case, no leading zeros), or null when it is not one. */
function expandIpv6(value: string): string[] | null {
  const address = value.toLowerCase().replace(/%.*$/, "");
  if (!/^[0-9a-f:.]+$/.test(address) || address.split("::").length > 2) return null;
  const [head = "", tail] = address.split("::");
  const parts = (s: string) => (s === "" ? [] : s.split(":"));
  const left = parts(head);
  const right = tail === undefined ? [] : parts(tail);
  // An embedded IPv4 tail (::ffff:1.2.3.4) counts as two groups; only the first four groups matter here.
  const width = (list: string[]) => list.reduce((n, g) => n + (g.includes(".") ? 2 : 1), 0);
  const missing = 8 - width(left) - width(right);
  if (tail === undefined ? missing !== 0 : missing < 1) return null;
  const groups = [...left, ...Array<string>(tail === undefined ? 0 : missing).fill("0"), ...right];
  if (!groups.every((g) => /^[0-9a-f]{1,4}$/.test(g) || /^\d{1,3}(\.\d{1,3}){3}$/.test(g))) return null;
  return groups.map((g) => (g.includes(".") ? g : g.replace(/^0+(?=.)/, "")));
}

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
