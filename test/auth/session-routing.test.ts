import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  composeRefreshToken,
  parseRefreshToken,
  userSessionsName,
  userSessionsStub,
} from "../../src/auth/session-routing";
import { randomToken } from "../../src/lib/bytes";

describe("session routing", () => {
  it("names one object per collection and user", () => {
    expect(userSessionsName("pbc_3142635823", "abc123def456ghi")).toBe("pbc_3142635823/abc123def456ghi");
    expect(() => userSessionsName("a/b", "x")).toThrow(RangeError);
    expect(() => userSessionsName("users", "")).toThrow(RangeError);
  });

  it("reaches the same object for the same user and another for another user", async () => {
    const a = userSessionsStub(env.USER_SESSIONS, "users", "aaaaaaaaaaaaaaa");
    const a2 = userSessionsStub(env.USER_SESSIONS, "users", "aaaaaaaaaaaaaaa");
    const b = userSessionsStub(env.USER_SESSIONS, "users", "bbbbbbbbbbbbbbb");
    expect((await a.ping()).id).toBe((await a2.ping()).id);
    expect((await a.ping()).id).not.toBe((await b.ping()).id);
  });

  it("round-trips a refresh token", () => {
    const parts = { collectionId: "pbc_users", userId: "abc123def456ghi", token: randomToken() };
    const composed = composeRefreshToken(parts);
    expect(composed).toBe(`pbc_users.abc123def456ghi.${parts.token}`);
    expect(parseRefreshToken(composed)).toEqual(parts);
  });

  it.each([
    undefined,
    42,
    "",
    "a.b",
    "a.b.c",
    `users.u1.${"A".repeat(43)}.extra`,
    `users..${"A".repeat(43)}`,
    `us ers.u1.${"A".repeat(43)}`,
    `users.u1.${"A".repeat(44)}`,
    "x".repeat(10_000),
  ])("rejects malformed refresh token %j", (value) => {
    expect(parseRefreshToken(value)).toBeNull();
  });

  it("refuses to compose from invalid parts", () => {
    expect(() => composeRefreshToken({ collectionId: "users", userId: "u", token: "short" })).toThrow(
      RangeError,
    );
  });
});
