/** PocketBase's bcrypt hashes verify, always ask for a rehash, and are bounded (cost, 72-byte input). */
import { hashSync } from "bcryptjs";
import { describe, expect, it } from "vitest";
import { BCRYPT_MAX_COST, verifyPassword } from "../../src/auth/password";

const PASSWORD = "old pocketbase password";
// Go's bcrypt writes `$2a$`; the same digest under `$2b$` / `$2y$` must verify too.
const hash10 = hashSync(PASSWORD, 10).replace(/^\$2b\$/, "$2a$");

describe("bcrypt verification", () => {
  it("accepts the right password at PocketBase's cost 10 and asks for a PBKDF2 rehash", async () => {
    expect(await verifyPassword(PASSWORD, hash10)).toEqual({ ok: true, needsRehash: true });
    for (const prefix of ["$2b$", "$2y$"]) {
      expect((await verifyPassword(PASSWORD, hash10.replace("$2a$", prefix))).ok).toBe(true);
    }
  });

  it("refuses a wrong password, a truncated hash and a password longer than 72 bytes", async () => {
    expect(await verifyPassword("wrong password", hash10)).toEqual({ ok: false, needsRehash: false });
    expect((await verifyPassword(PASSWORD, hash10.slice(0, -1))).ok).toBe(false);
    const long = "x".repeat(72);
    const longHash = hashSync(long, 4);
    expect((await verifyPassword(long, longHash)).ok).toBe(true);
    // bcrypt would compare only the first 72 bytes: a longer input must not match on its prefix.
    expect((await verifyPassword(`${long}tail`, longHash)).ok).toBe(false);
  });

  it("treats a cost above the CPU budget as unusable", async () => {
    const tooCostly = hashSync(PASSWORD, 4).replace(/^\$2b\$04\$/, `$2b$${BCRYPT_MAX_COST + 1}$`);
    expect(await verifyPassword(PASSWORD, tooCostly)).toEqual({ ok: false, needsRehash: false });
  });
});
