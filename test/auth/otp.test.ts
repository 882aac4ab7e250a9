import { describe, expect, it } from "vitest";
import { createOtp, generateOtpCode, hashOtpCode, verifyOtpCode } from "../../src/auth/otp";
import { generateTokenSecret } from "../../src/lib/secrets";

const key = { otpId: "otp000000000001", secret: generateTokenSecret() };

describe("OTP codes", () => {
  it("generates digit codes of 6..8 characters, 8 by default", () => {
    expect(generateOtpCode()).toMatch(/^[0-9]{8}$/);
    expect(generateOtpCode(6)).toMatch(/^[0-9]{6}$/);
    expect(() => generateOtpCode(5)).toThrow(RangeError);
    expect(() => generateOtpCode(9)).toThrow(RangeError);
    expect(() => generateOtpCode(6.5)).toThrow(RangeError);
  });

  it("draws codes that vary (crypto randomness, every digit appears)", () => {
    const codes = new Set(Array.from({ length: 200 }, () => generateOtpCode()));
    expect(codes.size).toBeGreaterThan(190);
    const digits = new Set([...codes].join(""));
    expect(digits.size).toBe(10);
  });

  it("stores only a keyed hash bound to the OTP id and secret", async () => {
    const otp = await createOtp(key, { now: new Date(0) });
    expect(otp.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(otp.hash).not.toContain(otp.code);
    expect(otp.expiresAt.getTime()).toBe(180_000);
    expect(await hashOtpCode(otp.code, key)).toBe(otp.hash);
    expect(await hashOtpCode(otp.code, { ...key, otpId: "otp000000000002" })).not.toBe(otp.hash);
    expect(await hashOtpCode(otp.code, { ...key, secret: generateTokenSecret() })).not.toBe(otp.hash);
  });

  it("accepts the right code before expiry only", async () => {
    const now = new Date("2026-01-01T00:00:00Z");
    const otp = await createOtp(key, { length: 6, ttlSeconds: 60, now });
    const stored = { hash: otp.hash, expiresAt: otp.expiresAt };
    expect(await verifyOtpCode(otp.code, stored, key, now)).toBe(true);
    expect(await verifyOtpCode(otp.code, stored, key, new Date(now.getTime() + 59_999))).toBe(true);
    expect(await verifyOtpCode(otp.code, stored, key, new Date(now.getTime() + 60_000))).toBe(false);
    const wrong = otp.code === "000000" ? "000001" : "000000";
    expect(await verifyOtpCode(wrong, stored, key, now)).toBe(false);
    expect(await verifyOtpCode(otp.code, stored, { ...key, otpId: "other0000000000" }, now)).toBe(false);
  });

  it.each([undefined, 123456, "", "12345", "123456789", "12345a", " 123456", "１２３４５６"])(
    "refuses malformed input %j",
    async (code) => {
      const otp = await createOtp(key);
      expect(await verifyOtpCode(code, otp, key)).toBe(false);
    },
  );
});
