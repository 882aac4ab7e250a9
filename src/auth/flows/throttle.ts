/** Per-IP and per-account throttling of one auth action (each key in its own RateLimiter object). */
import {
  ACCOUNT_CEILING_FACTOR,
  AUTH_RATE_LIMITS,
  enforceRateLimit,
  ipBucket,
  type RateLimitRule,
  rateLimitKey,
} from "../rate-limit";
import type { AuthFlowDeps } from "./deps";

/**
 * Counts one attempt of `scope` for `account` (normalized by the caller, e.g. a lower-cased
 * `<collectionId>/<email>`) and throws 429 with Retry-After when a limit is reached:
 * - per client IP bucket (`perIp`; skipped when the request has no client IP, see {@link ipBucket});
 * - per (account, IP bucket) pair (`perAccount`): a guesser elsewhere cannot lock the owner out;
 * - per account over all IPs, {@link ACCOUNT_CEILING_FACTOR} times looser: the distributed-guessing ceiling.
 */
export async function throttle(
  deps: Pick<AuthFlowDeps, "limiter" | "client">,
  scope: string,
  account: string,
  perAccount: RateLimitRule,
  perIp: RateLimitRule,
): Promise<void> {
  const ip = await throttleIp(deps, scope, perIp);
  const pair = `${account}|${ip ?? "no-ip"}`;
  await enforceRateLimit(deps.limiter, await rateLimitKey(`${scope}:account-ip`, pair), perAccount);
  const ceiling = {
    limit: perAccount.limit * ACCOUNT_CEILING_FACTOR,
    windowSeconds: perAccount.windowSeconds,
  };
  await enforceRateLimit(deps.limiter, await rateLimitKey(`${scope}:account`, account), ceiling);
}

/**
 * Counts one attempt of `scope` per client IP bucket (the first step of {@link throttle}) and returns the
 * bucket; null (nothing counted) when the request has no client IP. Alone, it guards actions that have no
 * account to key on before they run (sign-ups; OAuth2 before the code exchange names the user).
 */
export async function throttleIp(
  deps: Pick<AuthFlowDeps, "limiter" | "client">,
  scope: string,
  perIp: RateLimitRule,
): Promise<string | null> {
  const ip = ipBucket(deps.client.ip);
  if (ip !== null) await enforceRateLimit(deps.limiter, await rateLimitKey(`${scope}:ip`, ip), perIp);
  return ip;
}

/**
 * Throttles a check of a signed-in record's current password (`oldPassword` on update, the password of
 * `confirm-email-change`) like a sign-in: a stolen session must not become an unlimited password oracle.
 */
export function throttlePasswordCheck(
  deps: Pick<AuthFlowDeps, "limiter" | "client">,
  collectionId: string,
  recordId: string,
): Promise<void> {
  const limits = AUTH_RATE_LIMITS;
  return throttle(
    deps,
    "passwordCheck",
    `${collectionId}/${recordId}`,
    limits.signInPerAccount,
    limits.signInPerIp,
  );
}

/** Throttles sign-ups (record creates in auth collections by non-superusers) per client IP bucket. */
export async function throttleSignUp(deps: Pick<AuthFlowDeps, "limiter" | "client">): Promise<void> {
  await throttleIp(deps, "signUp", AUTH_RATE_LIMITS.signUpPerIp);
}
