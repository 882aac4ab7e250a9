import { describe, expect, it } from "vitest";
import {
  fnv1a32,
  fromBase64,
  fromBase64Url,
  hmacSha256Hex,
  sha256Hex,
  timingSafeEqualString,
  toBase64,
  toBase64Url,
  utf8,
} from "../../src/lib/bytes";

describe("lib/bytes", () => {
  it("round-trips base64 and base64url, and refuses malformed input", () => {
    const bytes = new Uint8Array([0, 250, 251, 252, 253, 254, 255, 62, 63]);
    expect(fromBase64(toBase64(bytes))).toEqual(bytes);
    expect(toBase64Url(bytes)).not.toMatch(/[+/=]/);
    expect(fromBase64Url(toBase64Url(bytes))).toEqual(bytes);
    expect(fromBase64Url("a+b/")).toBeUndefined();
    expect(fromBase64Url("abcde")).toBeUndefined();
    expect(fromBase64("abc")).toBeUndefined();
  });

  it("hashes with the published test vectors", async () => {
    expect(await sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    // RFC 4231 test case 2.
    expect(await hmacSha256Hex("Jefe", "what do ya want for nothing?")).toBe(
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    );
    expect(fnv1a32("")).toBe(0x811c9dc5);
    expect(fnv1a32("a")).toBe(0xe40c292c);
  });

  it("compares in full whatever the lengths", () => {
    expect(timingSafeEqualString("secret", "secret")).toBe(true);
    expect(timingSafeEqualString("secret", "secreT")).toBe(false);
    expect(timingSafeEqualString("secret", "secret2")).toBe(false);
    expect(utf8("é")).toEqual(new Uint8Array([0xc3, 0xa9]));
  });
});
