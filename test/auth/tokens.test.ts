import { base64url, generateKeyPair, SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { TokenError, tokenWwwAuthenticate } from "../../src/auth/token-error";
import { cachedKeyCount, keyFingerprint, signingKey } from "../../src/auth/token-keys";
import { MAX_TOKEN_LENGTH, peekToken, signToken, verifyToken } from "../../src/auth/tokens";
import { sha256Hex } from "../../src/lib/bytes";
import { generateTokenKey, generateTokenSecret } from "../../src/lib/secrets";

const secret = generateTokenSecret();
const otherSecret = generateTokenSecret();
const tokenKey = generateTokenKey();
const collectionId = "pbc_users000001";
const authClaims = { sub: "user00000000001", sid: "sess00000000001", collectionId, refreshable: true };
const verifyOpts = { secret, tokenKey, collectionId };

const enc = (value: unknown) => base64url.encode(JSON.stringify(value));
const parts = (token: string) => token.split(".") as [string, string, string];
const payloadOf = (token: string) => JSON.parse(new TextDecoder().decode(base64url.decode(parts(token)[1])));
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Signs arbitrary header/payload with the real derived auth key: isolates the check under test. */
async function signRaw(
  payload: Record<string, unknown>,
  header: Record<string, unknown> = {},
  type = "auth",
) {
  const key = await signingKey({ secret, type, tokenKey });
  // Hand-rolled so that headers jose would refuse to produce (crit, no typ) can be tested too.
  const input = `${enc({ alg: "HS256", typ: "JWT", ...header })}.${enc(payload)}`;
  const signature = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(input));
  return `${input}.${base64url.encode(new Uint8Array(signature))}`;
}

const validPayload = () => ({ ...authClaims, type: "auth", iat: nowSeconds(), exp: nowSeconds() + 600 });

async function authToken(overrides: Partial<typeof authClaims> = {}) {
  return signToken("auth", { ...authClaims, ...overrides }, { secret, tokenKey, ttlSeconds: 600 });
}

describe("signToken / verifyToken", () => {
  it("round-trips every token type with its claims", async () => {
    const auth = await verifyToken(await authToken(), "auth", verifyOpts);
    expect(auth).toMatchObject({ ...authClaims, type: "auth" });
    expect(auth.exp - auth.iat).toBe(600);

    const base = { sub: "user00000000001", collectionId };
    const v = await signToken("verification", { ...base, email: "a@b.co" }, { secret, tokenKey });
    expect(await verifyToken(v, "verification", verifyOpts)).toMatchObject({
      email: "a@b.co",
      type: "verification",
    });
    const r = await signToken("passwordReset", { ...base, email: "a@b.co" }, { secret, tokenKey });
    expect((await verifyToken(r, "passwordReset", verifyOpts)).type).toBe("passwordReset");
    const e = await signToken(
      "emailChange",
      { ...base, email: "a@b.co", newEmail: "c@d.co" },
      { secret, tokenKey },
    );
    expect((await verifyToken(e, "emailChange", verifyOpts)).newEmail).toBe("c@d.co");
    const f = await signToken("file", base, { secret, tokenKey });
    const file = await verifyToken(f, "file", verifyOpts);
    expect(file.exp - file.iat).toBe(180);
  });

  it("puts alg HS256 and typ JWT in the header", async () => {
    const header = JSON.parse(new TextDecoder().decode(base64url.decode(parts(await authToken())[0])));
    expect(header).toEqual({ alg: "HS256", typ: "JWT" });
  });

  it("signs byte for byte what jose's SignJWT signs (the hand-rolled compact JWS of signToken)", async () => {
    const now = new Date(1_767_000_000_000);
    // Claims in their schema's order: the signed payload lists them so (zod's output order), as before.
    const auth = { sub: authClaims.sub, collectionId, sid: authClaims.sid, refreshable: true };
    const email = { sub: authClaims.sub, collectionId, email: "é@b.co", newEmail: "c@d.co" };
    for (const [type, claims] of [
      ["auth", auth],
      ["emailChange", email],
    ] as const) {
      const ours = await signToken(type, claims, { secret, tokenKey, ttlSeconds: 600, now });
      const iat = Math.floor(now.getTime() / 1000);
      const key = await signingKey({ secret, type, tokenKey });
      const theirs = await new SignJWT({ ...claims, id: claims.sub, type })
        .setProtectedHeader({ alg: "HS256", typ: "JWT" })
        .setIssuedAt(iat)
        .setExpirationTime(iat + 600)
        .sign(key);
      expect(ours).toBe(theirs);
    }
  });

  it("refuses to sign invalid claims or a non-positive lifetime", async () => {
    await expect(signToken("auth", { ...authClaims, sid: "" }, { secret, tokenKey })).rejects.toThrow();
    await expect(signToken("auth", authClaims, { secret, tokenKey, ttlSeconds: 0 })).rejects.toThrow(
      RangeError,
    );
    await expect(signToken("auth", authClaims, { secret: "short", tokenKey })).rejects.toThrow(RangeError);
  });

  it("peeks at routing claims without verifying", async () => {
    expect(peekToken(await authToken())).toEqual({ type: "auth", sub: authClaims.sub, collectionId });
    expect(() => peekToken("nope")).toThrow(TokenError);
  });
});

type Case = [name: string, make: () => Promise<unknown>, reason: string, options?: Record<string, unknown>];

const tampering: Case[] = [
  [
    "alg none, empty signature",
    async () => `${enc({ alg: "none", typ: "JWT" })}.${enc(validPayload())}.`,
    "algorithm",
  ],
  ["alg None", async () => `${enc({ alg: "None", typ: "JWT" })}.${enc(validPayload())}.`, "algorithm"],
  ["alg NONE", async () => `${enc({ alg: "NONE", typ: "JWT" })}.${enc(validPayload())}.`, "algorithm"],
  [
    "alg nOnE keeping the original signature",
    async () => {
      const [, payload, sig] = parts(await authToken());
      return `${enc({ alg: "nOnE", typ: "JWT" })}.${payload}.${sig}`;
    },
    "algorithm",
  ],
  ["alg missing", async () => `${enc({ typ: "JWT" })}.${enc(validPayload())}.`, "algorithm"],
  [
    "algorithm swapped to HS384",
    async () =>
      new SignJWT(validPayload())
        .setProtectedHeader({ alg: "HS384", typ: "JWT" })
        .sign(new TextEncoder().encode(secret)),
    "algorithm",
  ],
  [
    "algorithm swapped to HS512",
    async () =>
      new SignJWT(validPayload())
        .setProtectedHeader({ alg: "HS512", typ: "JWT" })
        .sign(new TextEncoder().encode(secret)),
    "algorithm",
  ],
  [
    "algorithm swapped to RS256 (attacker's key pair)",
    async () => {
      const { privateKey } = await generateKeyPair("RS256");
      return new SignJWT(validPayload()).setProtectedHeader({ alg: "RS256", typ: "JWT" }).sign(privateKey);
    },
    "algorithm",
  ],
  [
    "signature stripped",
    async () =>
      `${parts(await authToken())
        .slice(0, 2)
        .join(".")}.`,
    "signature",
  ],
  [
    "signature and its dot stripped",
    async () =>
      parts(await authToken())
        .slice(0, 2)
        .join("."),
    "malformed",
  ],
  [
    "signature altered",
    async () => {
      const [h, p, s] = parts(await authToken());
      return `${h}.${p}.${s[0] === "A" ? "B" : "A"}${s.slice(1)}`;
    },
    "signature",
  ],
  [
    "payload changed (other user)",
    async () => {
      const [h, , s] = parts(await authToken());
      return `${h}.${enc({ ...payloadOf(await authToken()), sub: "victim000000001" })}.${s}`;
    },
    "signature",
  ],
  [
    "payload changed (expiry extended)",
    async () => {
      const token = await authToken();
      const [h, , s] = parts(token);
      return `${h}.${enc({ ...payloadOf(token), exp: nowSeconds() + 10 ** 8 })}.${s}`;
    },
    "signature",
  ],
  ["expired", async () => authToken(), "expired", { now: new Date(Date.now() + 700_000) }],
  [
    "not yet valid (nbf in the future)",
    async () => signRaw({ ...validPayload(), nbf: nowSeconds() + 3600 }),
    "not_yet_valid",
  ],
  [
    "issued in the future",
    async () => signRaw({ ...validPayload(), iat: nowSeconds() + 3600 }),
    "not_yet_valid",
  ],
  [
    "verification token used as auth token",
    async () =>
      signToken("verification", { sub: authClaims.sub, collectionId, email: "a@b.co" }, { secret, tokenKey }),
    "type",
  ],
  [
    "password reset token used as auth token",
    async () =>
      signToken(
        "passwordReset",
        { sub: authClaims.sub, collectionId, email: "a@b.co" },
        { secret, tokenKey },
      ),
    "type",
  ],
  [
    "file token used as auth token",
    async () => signToken("file", { sub: authClaims.sub, collectionId }, { secret, tokenKey }),
    "type",
  ],
  [
    "verification-keyed token relabelled type auth",
    async () => signRaw(validPayload(), {}, "verification"),
    "signature",
  ],
  [
    "token from another collection",
    async () =>
      signToken(
        "auth",
        { ...authClaims, collectionId: "pbc_other000001" },
        { secret: otherSecret, tokenKey },
      ),
    "collection",
  ],
  [
    "signed with another collection's secret, claiming this collection",
    async () => signToken("auth", authClaims, { secret: otherSecret, tokenKey }),
    "signature",
  ],
  [
    "after the user's tokenKey changed (password change)",
    async () => authToken(),
    "signature",
    { tokenKey: generateTokenKey() },
  ],
  [
    "oversized token",
    async () => {
      const [h, p, s] = parts(await authToken());
      return `${h}.${p}${"A".repeat(MAX_TOKEN_LENGTH)}.${s}`;
    },
    "oversized",
  ],
  ["garbage", async () => "this is not a token", "malformed"],
  ["empty string", async () => "", "malformed"],
  ["not a string", async () => 42, "malformed"],
  ["Bearer prefix left on", async () => `Bearer ${await authToken()}`, "malformed"],
  ["missing sid", async () => signRaw({ ...validPayload(), sid: undefined }), "claims"],
  ["missing exp", async () => signRaw({ ...validPayload(), exp: undefined }), "claims"],
  ["missing sub", async () => signRaw({ ...validPayload(), sub: undefined }), "claims"],
  ["sub of the wrong type", async () => signRaw({ ...validPayload(), sub: 123 }), "claims"],
  ["missing typ header", async () => signRaw(validPayload(), { typ: undefined }), "header"],
  ["other typ header", async () => signRaw(validPayload(), { typ: "at+jwt" }), "header"],
  ["crit header", async () => signRaw(validPayload(), { crit: ["exp"] }), "header"],
];

describe("token tampering", () => {
  it("has at least 20 cases", () => {
    expect(tampering.length).toBeGreaterThanOrEqual(20);
  });

  it("accepts the untampered hand-signed control token (so each case fails for its own reason)", async () => {
    expect((await verifyToken(await signRaw(validPayload()), "auth", verifyOpts)).sub).toBe(authClaims.sub);
  });

  it.each(tampering)("rejects %s with TokenError", async (_name, make, reason, options = {}) => {
    const token = await make();
    const error = await verifyToken(token, "auth", { ...verifyOpts, ...options }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TokenError);
    expect((error as TokenError).reason).toBe(reason);
    // One public message for every failure: the reason stays out of anything a body would show.
    expect((error as TokenError).message).toBe(`invalid token (${reason})`);
  });
});

describe("token key cache", () => {
  it("imports each derived key once and stays bounded", async () => {
    const a = await signingKey({ secret, type: "auth", tokenKey });
    const b = await signingKey({ secret, type: "auth", tokenKey });
    expect(a).toBe(b);
    for (let i = 0; i < 1100; i++) await signingKey({ secret, type: "file", tokenKey: `k${i}` });
    expect(cachedKeyCount()).toBeLessThanOrEqual(1000);
  });
});

describe("key fingerprint cache", () => {
  it("computes each fingerprint once, and a new tokenKey or secret is a new fingerprint", async () => {
    const first = keyFingerprint(secret, tokenKey);
    expect(keyFingerprint(secret, tokenKey)).toBe(first);
    // The cache holds exactly what the uncached digest gives: sessions stored before it still match.
    expect(await first).toBe((await sha256Hex(`${secret.length}:${secret}|${tokenKey}`)).slice(0, 32));
    const rekeyed = await keyFingerprint(secret, `${tokenKey}-new`);
    expect(rekeyed).not.toBe(await first);
    expect(await keyFingerprint(`${secret}-rotated`, tokenKey)).not.toBe(await first);
    expect(await keyFingerprint(secret, tokenKey)).toBe(await first);
  });
});

describe("tokenWwwAuthenticate", () => {
  it("states the reason for clients in RFC 6750 form", () => {
    expect(tokenWwwAuthenticate(new TokenError("expired"))).toBe(
      'Bearer error="invalid_token", error_description="The token has expired."',
    );
  });
});
