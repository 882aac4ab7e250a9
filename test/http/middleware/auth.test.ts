/** The Authorization header forms the token middleware accepts. */
import { describe, expect, it } from "vitest";
import { bearerToken, requestToken } from "../../../src/http/middleware/auth";

describe("bearerToken", () => {
  it("accepts `TOKEN` and `Bearer TOKEN` in any casing; nothing for a missing or blank header", () => {
    expect(bearerToken(undefined)).toBeNull();
    expect(bearerToken("")).toBeNull();
    expect(bearerToken("   ")).toBeNull();
    expect(bearerToken("abc.def.ghi")).toBe("abc.def.ghi");
    expect(bearerToken("Bearer abc.def.ghi")).toBe("abc.def.ghi");
    expect(bearerToken("bearer   abc")).toBe("abc");
    expect(bearerToken("BEARER abc ")).toBe("abc");
    // Anything else is passed on as a token and refused by verification (a guest with www-authenticate).
    expect(bearerToken("Basic dXNlcjpwYXNz")).toBe("Basic dXNlcjpwYXNz");
  });
});

describe("requestToken", () => {
  const req = (headers: Record<string, string>, query: Record<string, string> = {}) => ({
    header: (name: string) => headers[name],
    query: (name: string) => query[name],
  });

  it("prefers the Authorization header", () => {
    expect(requestToken(req({ authorization: "Bearer h", upgrade: "websocket" }, { token: "q" }))).toBe("h");
  });

  it("never reads a token from the URL, upgrades included (browsers use a realtime ticket)", () => {
    expect(requestToken(req({ upgrade: "WebSocket" }, { token: "q" }))).toBeNull();
    expect(requestToken(req({}, { token: "q" }))).toBeNull();
  });
});
