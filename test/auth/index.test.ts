import { describe, expect, it } from "vitest";
import * as auth from "../../src/auth";

describe("auth public API", () => {
  it("exposes the building blocks the endpoints use", () => {
    for (const name of [
      "hashPassword",
      "verifyPassword",
      "dummyVerify",
      "passwordPolicyError",
      "signToken",
      "verifyToken",
      "peekToken",
      "resolveToken",
      "authenticateAccessToken",
      "createSessionChecker",
      "parseRefreshToken",
      "composeRefreshToken",
      "userSessionsStub",
      "enforceRateLimit",
      "rateLimitKey",
      "createMailer",
      "readDevOutbox",
      "createOtp",
      "verifyOtpCode",
      "verificationEmail",
      "tokenWwwAuthenticate",
      "generateTokenSecret",
      "generateTokenKey",
    ] as const) {
      expect(typeof (auth as Record<string, unknown>)[name], name).toBe("function");
    }
    expect(auth.UserSessions).toBeTypeOf("function");
    expect(auth.RateLimiter).toBeTypeOf("function");
  });
});
