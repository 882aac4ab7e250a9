import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  AUTH_RATE_LIMITS,
  assertAllowed,
  checkRateLimit,
  enforceRateLimit,
  rateLimitKey,
} from "../../src/auth/rate-limit";
import { RATE_LIMIT_MAX_KEY_LENGTH } from "../../src/auth/rate-limiter";
import { ApiError } from "../../src/lib/errors";

describe("rate limit helpers", () => {
  it("builds bounded keys, hashing long subjects", async () => {
    expect(await rateLimitKey("signIn:account", "users/ann@example.com")).toBe(
      "signIn:account:users/ann@example.com",
    );
    const long = await rateLimitKey("signIn:account", "x".repeat(1000));
    expect(long).toMatch(/^signIn:account:sha256:[0-9a-f]{64}$/);
    expect(long.length).toBeLessThanOrEqual(RATE_LIMIT_MAX_KEY_LENGTH);
    expect(await rateLimitKey("s", "y".repeat(1000))).not.toBe(await rateLimitKey("s", "z".repeat(1000)));
  });

  it("maps a denied hit to 429 with Retry-After", () => {
    expect(() => assertAllowed({ allowed: true, remaining: 0, retryAfterSeconds: 0 })).not.toThrow();
    try {
      assertAllowed({ allowed: false, remaining: 0, retryAfterSeconds: 42 });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).status).toBe(429);
      expect((error as ApiError).headers).toEqual({ "Retry-After": "42" });
      expect((error as ApiError).toJSON()).toEqual({ status: 429, message: "Too many requests.", data: {} });
    }
  });

  it("enforces a rule through the key's own object", async () => {
    const key = await rateLimitKey("signIn:ip", "192.0.2.1");
    const rule = { limit: 2, windowSeconds: 60 };
    await enforceRateLimit(env.RATE_LIMITER, key, rule);
    await enforceRateLimit(env.RATE_LIMITER, key, rule);
    const error = await enforceRateLimit(env.RATE_LIMITER, key, rule).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(429);
    expect(Number((error as ApiError).headers["Retry-After"])).toBeGreaterThanOrEqual(59);
    // Another IP is unaffected.
    expect(
      (await checkRateLimit(env.RATE_LIMITER, await rateLimitKey("signIn:ip", "192.0.2.2"), rule)).allowed,
    ).toBe(true);
  });

  it("ships sane default rules", () => {
    for (const rule of Object.values(AUTH_RATE_LIMITS)) {
      expect(rule.limit).toBeGreaterThan(0);
      expect(rule.windowSeconds).toBeGreaterThan(0);
    }
  });
});
