import { describe, expect, it } from "vitest";
import * as auth from "../../src/auth";
import * as password from "../../src/auth/password";
import * as routing from "../../src/auth/session-routing";
import * as tokenKeys from "../../src/auth/token-keys";

describe("auth public API (the barrel)", () => {
  it("re-exports the home modules' functions, not copies", () => {
    expect(auth.hashPassword).toBe(password.hashPassword);
    expect(auth.verifyPassword).toBe(password.verifyPassword);
    expect(auth.composeRefreshToken).toBe(routing.composeRefreshToken);
    expect(auth.generateTokenSecret).toBe(tokenKeys.generateTokenSecret);
  });

  it("a password hashed through it verifies, and a wrong one does not", async () => {
    const stored = await auth.hashPassword("correct horse");
    expect(stored).not.toContain("correct horse");
    expect((await auth.verifyPassword("correct horse", stored)).ok).toBe(true);
    expect((await auth.verifyPassword("correct hors", stored)).ok).toBe(false);
  });

  it("a refresh token composed through it parses back, and a tampered one does not", () => {
    const parts = { collectionId: "_pb_users_auth_", userId: "u1234567890abcd", token: "A".repeat(43) };
    const token = auth.composeRefreshToken(parts);
    expect(auth.parseRefreshToken(token)).toEqual(parts);
    expect(auth.parseRefreshToken(`${token}.extra`)).toBeNull();
  });

  it("generates distinct token secrets of the documented length", () => {
    const a = auth.generateTokenSecret();
    expect(a).toHaveLength(tokenKeys.TOKEN_SECRET_LENGTH);
    expect(a).toMatch(/^[A-Za-z0-9]+$/);
    expect(auth.generateTokenSecret()).not.toBe(a);
  });
});
