/** `POST /api/settings/apple/generate-client-secret`: the ES256 client secret Sign in with Apple needs. */
import { decodeProtectedHeader, jwtVerify } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { MAX_APPLE_SECRET_SECONDS } from "../../src/auth/apple-client-secret";
import { call, type Json, superuserToken, userToken } from "./helpers";

const PATH = "/api/settings/apple/generate-client-secret";
let admin: string;
let keys: CryptoKeyPair;
let pem: string;

async function pkcs8Pem(key: CryptoKey): Promise<string> {
  const der = new Uint8Array((await crypto.subtle.exportKey("pkcs8", key)) as ArrayBuffer);
  const b64 = btoa(String.fromCharCode(...der)).replace(/(.{64})/g, "$1\n");
  return `-----BEGIN PRIVATE KEY-----\n${b64}\n-----END PRIVATE KEY-----\n`;
}

function body(overrides: Record<string, unknown> = {}) {
  return {
    clientId: "com.example.web",
    teamId: "TEAM123456",
    keyId: "KEY1234567",
    privateKey: pem,
    duration: 3600,
    ...overrides,
  };
}

beforeAll(async () => {
  admin = await superuserToken();
  keys = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
    "sign",
    "verify",
  ])) as CryptoKeyPair;
  pem = await pkcs8Pem(keys.privateKey);
});

describe("generate-client-secret", () => {
  it("signs Apple's claims with the key, verifiable with its public half", async () => {
    const res = await call("POST", PATH, admin, body());
    expect(res.status).toBe(200);
    const { secret } = (await res.json()) as { secret: string };
    expect(decodeProtectedHeader(secret)).toEqual({ alg: "ES256", kid: "KEY1234567", typ: "JWT" });
    const { payload } = await jwtVerify(secret, keys.publicKey, {
      issuer: "TEAM123456",
      audience: "https://appleid.apple.com",
      subject: "com.example.web",
    });
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(3600);
  });

  it("is for superusers only", async () => {
    expect((await call("POST", PATH, null, body())).status).toBe(401);
    expect((await call("POST", PATH, await userToken(), body())).status).toBe(403);
  });

  it.each([
    [{ teamId: "SHORT" }, "teamId"],
    [{ keyId: "K".repeat(11) }, "keyId"],
    [{ clientId: "" }, "clientId"],
    [{ duration: 0 }, "duration"],
    [{ duration: MAX_APPLE_SECRET_SECONDS + 1 }, "duration"],
    [{ duration: "3600" }, "duration"],
    [{ privateKey: "not a key" }, "privateKey"],
    [{ privateKey: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----" }, "privateKey"],
    [{ privateKey: `${"x".repeat(10_001)}` }, "privateKey"],
  ])("refuses %j with an error at %s, never echoing the key", async (patch, path) => {
    const res = await call("POST", PATH, admin, body(patch));
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(Object.keys((JSON.parse(text) as Json).data)).toContain(path);
    expect(text).not.toContain("PRIVATE KEY");
  });

  it("refuses a key that is not P-256 (an RSA key)", async () => {
    const rsa = (await crypto.subtle.generateKey(
      {
        name: "RSASSA-PKCS1-v1_5",
        modulusLength: 2048,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: "SHA-256",
      },
      true,
      ["sign", "verify"],
    )) as CryptoKeyPair;
    const res = await call("POST", PATH, admin, body({ privateKey: await pkcs8Pem(rsa.privateKey) }));
    expect(res.status).toBe(400);
    expect(((await res.json()) as Json).data.privateKey.code).toBe("validation_invalid_private_key");
  });
});
