/**
 * Rate limits from the settings (`rateLimits`, `trustedProxy`): the rule PocketBase would pick for the request,
 * counted per client IP in this isolate's windows; over the limit answers 429 with Retry-After. Superusers are
 * never limited (as in PocketBase). Mount after authentication.
 */
import type { MiddlewareHandler } from "hono";
import { SUPERUSERS } from "../../collections";
import { tooManyRequests } from "../../lib/errors";
import { clientIpOf, findRule, searchLabels, WindowCounter } from "../../ops/ratelimits";
import type { AppEnv } from "../context";

/** Middleware enforcing the settings' rate limit rules with one counter set per app (isolate). */
export function settingsRateLimits(): MiddlewareHandler<AppEnv> {
  const counter = new WindowCounter();
  return async (c, next) => {
    const settings = c.get("settings");
    const limits = settings?.rateLimits;
    const auth = c.get("auth");
    if (!limits?.enabled || auth?.collectionName === SUPERUSERS) return next();
    const rule = findRule(limits.rules, searchLabels(c.req.method, c.req.path), auth !== null);
    if (rule) {
      const ip = clientIpOf((n) => c.req.header(n), settings.trustedProxy);
      if (ip !== "") {
        const result = counter.hit(`${rule.label}${rule.audience}|${ip}`, rule.maxRequests, rule.duration);
        if (!result.ok) throw tooManyRequests(result.retryAfterSeconds);
      }
    }
    return next();
  };
}
