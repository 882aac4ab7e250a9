import { afterEach, describe, expect, it, vi } from "vitest";
import {
  dummyVerify,
  hashPassword,
  PASSWORD_MAX_LENGTH,
  PBKDF2_ITERATIONS,
  PBKDF2_MAX_ITERATIONS,
  passwordBounds,
  passwordPolicyError,
  verifyPassword,
} from "../../src/auth/password";
import { toBase64 } from "../../src/lib/bytes";

afterEach(() => {
  vi.restoreAllMocks();
});

function iterationsSeen(spy: { mock: { calls: unknown[][] } }): number[] {
  return spy.mock.calls.map((call) => (call[0] as { iterations: number }).iterations);
}

describe("PBKDF2 cap", () => {
  it("hashes new passwords with the iterations it records, within production's 100,000", async () => {
    const spy = vi.spyOn(crypto.subtle, "deriveBits");
    const stored = await hashPassword("correct horse");
    const seen = iterationsSeen(spy);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeLessThanOrEqual(100_000);
    expect(seen[0]).toBeGreaterThanOrEqual(PBKDF2_MAX_ITERATIONS / 2);
    expect(stored.split("$")[1]).toBe(String(seen[0]));
  });

  it("passes at most 100,000 iterations to every deriveBits call (hash, verify, dummy)", async () => {
    const spy = vi.spyOn(crypto.subtle, "deriveBits");
    const hash = await hashPassword("correct horse");
    await verifyPassword("correct horse", hash);
    await verifyPassword("wrong", hash);
    await verifyPassword("x", "garbage");
    await dummyVerify("someone");
    const seen = iterationsSeen(spy);
    expect(seen).toHaveLength(5);
    for (const n of seen) expect(n).toBeLessThanOrEqual(100_000);
    expect(seen).toEqual([
      PBKDF2_ITERATIONS,
      PBKDF2_ITERATIONS,
      PBKDF2_ITERATIONS,
      PBKDF2_ITERATIONS,
      PBKDF2_ITERATIONS,
    ]);
  });

  it("refuses a stored hash demanding more iterations than production allows, without deriving it", async () => {
    const spy = vi.spyOn(crypto.subtle, "deriveBits");
    const salt = toBase64(new Uint8Array(16));
    const hash = toBase64(new Uint8Array(32));
    const result = await verifyPassword("pw", `pbkdf2_sha256$100001$${salt}$${hash}`);
    expect(result).toEqual({ ok: false, needsRehash: false });
    for (const n of iterationsSeen(spy)) expect(n).toBeLessThanOrEqual(100_000);
  });
});

describe("hashPassword / verifyPassword", () => {
  it("writes a self-describing hash with a random 16-byte salt", async () => {
    const a = await hashPassword("correct horse battery");
    const b = await hashPassword("correct horse battery");
    expect(a).toMatch(/^pbkdf2_sha256\$100000\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
    expect(a).not.toBe(b);
  });

  it("accepts the right password and refuses a wrong one", async () => {
    const stored = await hashPassword("correct horse battery");
    expect(await verifyPassword("correct horse battery", stored)).toEqual({ ok: true, needsRehash: false });
    expect(await verifyPassword("correct horse batterY", stored)).toEqual({ ok: false, needsRehash: false });
    expect(await verifyPassword("", stored)).toEqual({ ok: false, needsRehash: false });
  });

  it("does not truncate: a long password differs from its prefix", async () => {
    const long = "p".repeat(200);
    const stored = await hashPassword(long);
    expect((await verifyPassword(long, stored)).ok).toBe(true);
    expect((await verifyPassword(long.slice(0, 72), stored)).ok).toBe(false);
  });

  it("refuses a password longer than any allowed one without hashing it in full", async () => {
    const stored = await hashPassword("short pw");
    const spy = vi.spyOn(crypto.subtle, "importKey");
    expect(await verifyPassword("x".repeat(1_000_000), stored)).toEqual({ ok: false, needsRehash: false });
    expect(spy.mock.calls.map((call) => (call[1] as Uint8Array).length)).toEqual([0]);
  });

  it("handles non-ASCII passwords", async () => {
    const stored = await hashPassword("pässwörd-密码-🔑");
    expect((await verifyPassword("pässwörd-密码-🔑", stored)).ok).toBe(true);
    expect((await verifyPassword("passwörd-密码-🔑", stored)).ok).toBe(false);
  });

  it("asks for a rehash when a matching hash used older parameters", async () => {
    // Build a legacy hash with 1,000 iterations the same way the module does.
    const salt = new Uint8Array(16).fill(7);
    const key = await crypto.subtle.importKey("raw", new TextEncoder().encode("legacy pw"), "PBKDF2", false, [
      "deriveBits",
    ]);
    const bits = await crypto.subtle.deriveBits(
      { name: "PBKDF2", hash: "SHA-256", salt, iterations: 1000 },
      key,
      256,
    );
    const legacy = `pbkdf2_sha256$1000$${toBase64(salt)}$${toBase64(new Uint8Array(bits))}`;
    expect(await verifyPassword("legacy pw", legacy)).toEqual({ ok: true, needsRehash: true });
    expect(await verifyPassword("other pw", legacy)).toEqual({ ok: false, needsRehash: false });
  });

  it.each([
    "",
    "garbage",
    "bcrypt$10$abc$def",
    "pbkdf2_sha256$0$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
    "pbkdf2_sha256$abc$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
    "pbkdf2_sha256$1000$!!$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
    "pbkdf2_sha256$1000$AAAAAAAAAAAAAAAAAAAAAA==$",
  ])("never matches a malformed stored hash %j", async (stored) => {
    expect(await verifyPassword("anything", stored)).toEqual({ ok: false, needsRehash: false });
  });

  it("dummyVerify always fails", async () => {
    expect(await dummyVerify("anything")).toEqual({ ok: false, needsRehash: false });
  });
});

describe("password policy", () => {
  it("defaults to 8..256 and clamps configured bounds", () => {
    expect(passwordBounds()).toEqual({ min: 8, max: PASSWORD_MAX_LENGTH });
    expect(passwordBounds({ min: 3 })).toEqual({ min: 8, max: 256 });
    expect(passwordBounds({ min: 12, max: 10 })).toEqual({ min: 12, max: 64 });
    expect(passwordBounds({ max: 100_000 })).toEqual({ min: 8, max: 256 });
    expect(passwordBounds({ min: 500 })).toEqual({ min: 256, max: 256 });
  });

  it("reports blank, short and long passwords with PocketBase codes", () => {
    expect(passwordPolicyError("")?.code).toBe("validation_required");
    expect(passwordPolicyError(undefined)?.code).toBe("validation_required");
    expect(passwordPolicyError(12345678)?.code).toBe("validation_required");
    expect(passwordPolicyError("1234567")?.code).toBe("validation_min_text_constraint");
    expect(passwordPolicyError("12345678")).toBeNull();
    expect(passwordPolicyError("x".repeat(256))).toBeNull();
    expect(passwordPolicyError("x".repeat(257))?.code).toBe("validation_max_text_constraint");
    expect(passwordPolicyError("x".repeat(1_000_000))?.code).toBe("validation_max_text_constraint");
    expect(passwordPolicyError("x".repeat(11), { min: 12 })?.message).toBe(
      "Must be at least 12 character(s).",
    );
  });

  it("counts characters, not UTF-16 units", () => {
    expect(passwordPolicyError("🔑".repeat(8))).toBeNull();
    expect(passwordPolicyError("🔑".repeat(7))?.code).toBe("validation_min_text_constraint");
    expect(passwordPolicyError("🔑".repeat(256))).toBeNull();
    expect(passwordPolicyError("🔑".repeat(257))?.code).toBe("validation_max_text_constraint");
  });
});
