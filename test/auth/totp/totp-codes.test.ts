/** TOTP codes and sealed secrets, checked against codes computed independently (RFC 6238 with WebCrypto HMAC). */
import { describe, expect, it } from "vitest";
import { matchTotp, newTotpSecret, totpUri } from "../../../src/auth/totp/codes";
import { openSecret, sealSecret } from "../../../src/auth/totp/secret-box";
import { totpAt } from "./rfc6238";

describe("matchTotp", () => {
  const now = 1_790_000_015_000;
  const step = Math.floor(now / 30_000);

  it("agrees with RFC 6238's SHA-1 test vector", async () => {
    // RFC 6238 appendix B: secret "12345678901234567890", T = 59 s → 94287082 (8 digits); 6 digits → 287082.
    const secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    expect(await totpAt(secret, 59_000)).toBe("287082");
    expect(await matchTotp(secret, "287082", 59_000)).toBe(1);
  });

  it.each([
    [-2, false],
    [-1, true],
    [0, true],
    [1, true],
    [2, false],
  ])("a code %i steps away is accepted: %s", async (offset, accepted) => {
    const secret = await newTotpSecret();
    const code = await totpAt(secret, now + offset * 30_000);
    const matched = await matchTotp(secret, code, now);
    if (accepted) expect(matched).toBe(step + offset);
    else expect(matched).toBeUndefined();
  });

  it.each(["", "12345", "1234567", "abcdef", " 12345"])("refuses the malformed code %j", async (code) => {
    expect(await matchTotp(await newTotpSecret(), code, now)).toBeUndefined();
  });

  it("builds the otpauth:// URI authenticator apps read", async () => {
    const uri = new URL(
      await totpUri({ issuer: "Edgebase", label: "ann@example.com", secret: "JBSWY3DPEHPK3PXP" }),
    );
    expect(uri.protocol).toBe("otpauth:");
    expect(uri.host).toBe("totp");
    expect(decodeURIComponent(uri.pathname)).toBe("/Edgebase:ann@example.com");
    expect(Object.fromEntries(uri.searchParams)).toMatchObject({
      secret: "JBSWY3DPEHPK3PXP",
      issuer: "Edgebase",
      algorithm: "SHA1",
      digits: "6",
      period: "30",
    });
  });
});

describe("sealed secrets", () => {
  const key = "a".repeat(50);

  it("open only with the same collection secret and record", async () => {
    const sealed = await sealSecret(key, "c1/r1", "JBSWY3DPEHPK3PXP");
    expect(sealed).not.toContain("JBSWY3DPEHPK3PXP");
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(await openSecret(key, "c1/r1", sealed)).toBe("JBSWY3DPEHPK3PXP");
    expect(await openSecret(key, "c1/r2", sealed)).toBeUndefined();
    expect(await openSecret("b".repeat(50), "c1/r1", sealed)).toBeUndefined();
    expect(await openSecret(key, "c1/r1", "v1.x.y")).toBeUndefined();
    expect(await openSecret(key, "c1/r1", "garbage")).toBeUndefined();
  });

  it("uses a fresh IV each time", async () => {
    expect(await sealSecret(key, "a", "s")).not.toBe(await sealSecret(key, "a", "s"));
  });
});
