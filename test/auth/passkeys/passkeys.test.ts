/** Passkeys end to end through the Worker, with a software authenticator checked by the real verifier. */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { apiJson, BASE } from "../../helpers/request";
import { authed, freshIp, type Json, signIn, signUp } from "../../http/routes/auth-helpers";
import { SoftAuthenticator } from "./soft-authenticator";

const ORIGIN = BASE;
const C = "/api/collections/users";

const post = (path: string, body: unknown, token?: string) =>
  token
    ? authed(token, `${C}/${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", "cf-connecting-ip": freshIp() },
        body: JSON.stringify(body),
      })
    : apiJson("POST", `${C}/${path}`, body, { "cf-connecting-ip": freshIp() });

async function register(token: string, authenticator: SoftAuthenticator, name: string): Promise<Json> {
  const options = (await (await post("passkeys/registration-options", {}, token)).json()) as Json;
  const credential = await authenticator.register(options, ORIGIN);
  const res = await post("passkeys", { name, credential }, token);
  expect(res.status).toBe(200);
  return res.json();
}

async function signInOptions(identity?: string): Promise<Json> {
  const res = await post("passkey-options", identity ? { identity } : {});
  expect(res.status).toBe(200);
  return res.json();
}

async function expectRefused(res: Response): Promise<void> {
  expect(res.status).toBe(400);
  const body = (await res.json()) as Json;
  expect(body).toMatchObject({ status: 400, message: "Invalid or expired passkey response." });
}

let token: string;
let userId: string;
const key = new SoftAuthenticator();
const second = new SoftAuthenticator();

beforeAll(async () => {
  userId = await signUp("pk@example.com");
  token = (await signIn("pk@example.com")).token;
});

describe("registering passkeys", () => {
  it("gives options for this server's RP, bound to the user, and stores several named passkeys", async () => {
    const options = (await (await post("passkeys/registration-options", {}, token)).json()) as Json;
    expect(options.rp).toEqual({ id: "edgebase.test", name: "Edgebase" });
    expect(options.user.name).toBe("pk@example.com");
    expect(options.authenticatorSelection).toMatchObject({
      residentKey: "required",
      userVerification: "required",
    });
    const credential = await key.register(options, ORIGIN);
    const first = await post("passkeys", { name: "Laptop", credential }, token);
    expect(first.status).toBe(200);
    const laptop = (await first.json()) as Json;
    expect(laptop).toMatchObject({
      name: "Laptop",
      credentialId: key.id,
      transports: ["internal"],
      lastUsed: "",
    });
    expect(laptop).not.toHaveProperty("publicKey");
    await register(token, second, "Phone");
    const list = (await (await authed(token, `${C}/passkeys`)).json()) as Json;
    expect(list.items.map((p: Json) => p.name)).toEqual(["Laptop", "Phone"]);
    const again = await register(token, new SoftAuthenticator(), "Spare");
    expect((await authed(token, `${C}/passkeys/${again.id}`, { method: "DELETE" })).status).toBe(204);
    const after = (await (await authed(token, `${C}/passkeys`)).json()) as Json;
    expect(after.items.map((p: Json) => p.name)).toEqual(["Laptop", "Phone"]);
    expect(after.items[0]).toMatchObject({ name: "Laptop" });
  });

  it("lists the registered credentials as excluded on the next registration", async () => {
    const options = (await (await post("passkeys/registration-options", {}, token)).json()) as Json;
    expect(options.excludeCredentials.map((c: Json) => c.id).sort()).toEqual([key.id, second.id].sort());
  });

  it("refuses guests, another user's passkey and a second registration of the same credential", async () => {
    expect((await post("passkeys/registration-options", {})).status).toBe(401);
    expect((await apiJson("GET", `${C}/passkeys`, undefined)).status).toBe(401);
    await signUp("pk-other@example.com");
    const other = (await signIn("pk-other@example.com")).token;
    const mine = (await (await authed(token, `${C}/passkeys`)).json()) as Json;
    const del = await authed(other, `${C}/passkeys/${mine.items[0].id}`, { method: "DELETE" });
    expect(del.status).toBe(404);
    const options = (await (await post("passkeys/registration-options", {}, token)).json()) as Json;
    const res = await post(
      "passkeys",
      { name: "dup", credential: await key.register(options, ORIGIN) },
      token,
    );
    expect(res.status).toBe(400);
    expect(((await res.json()) as Json).data.credential.code).toBe("validation_passkey_exists");
  });

  it("refuses a wrong origin, a replayed challenge, a wrong ceremony type and another user's challenge", async () => {
    const fresh = new SoftAuthenticator();
    let options = (await (await post("passkeys/registration-options", {}, token)).json()) as Json;
    await expectRefused(
      await post("passkeys", { credential: await fresh.register(options, "https://evil.test") }, token),
    );
    // The refused attempt used the challenge up: the right origin cannot reuse it.
    await expectRefused(await post("passkeys", { credential: await fresh.register(options, ORIGIN) }, token));
    options = (await (await post("passkeys/registration-options", {}, token)).json()) as Json;
    await expectRefused(
      await post(
        "passkeys",
        { credential: await fresh.register(options, ORIGIN, { type: "webauthn.get" }) },
        token,
      ),
    );
    options = (await (await post("passkeys/registration-options", {}, token)).json()) as Json;
    const other = (await signIn("pk-other@example.com")).token;
    await expectRefused(await post("passkeys", { credential: await fresh.register(options, ORIGIN) }, other));
    const list = (await (await authed(token, `${C}/passkeys`)).json()) as Json;
    expect(list.items).toHaveLength(2);
  });

  it.each([
    ["no credential", {}, "credential"],
    [
      "a non-base64url id",
      { credential: { id: "a b", rawId: "x", type: "public-key", response: {} } },
      "credential.id",
    ],
    [
      "a huge attestation",
      {
        credential: {
          id: "a",
          rawId: "a",
          type: "public-key",
          response: { clientDataJSON: "a", attestationObject: "a".repeat(40_000) },
        },
      },
      "credential.response.attestationObject",
    ],
    ["a long name", { name: "n".repeat(101) }, "name"],
  ])("answers 400 with the path for %s", async (_label, body, path) => {
    const res = await post("passkeys", body, token);
    expect(res.status).toBe(400);
    expect(Object.keys(((await res.json()) as Json).data)).toContain(path);
  });
});

describe("signing in with a passkey", () => {
  it("signs in discoverably, through the same session path as other methods", async () => {
    const options = await signInOptions();
    expect(options.rpId).toBe("edgebase.test");
    expect(options.allowCredentials ?? []).toEqual([]);
    const res = await post("auth-with-passkey", { credential: await key.assert(options, ORIGIN) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Json;
    expect(body.record).toMatchObject({ id: userId, email: "pk@example.com" });
    expect(body.refreshToken).toMatch(/\./);
    expect((await authed(body.token, "/api/sessions")).status).toBe(200);
    const stored = await env.DB.prepare("SELECT counter, lastUsed FROM _passkeys WHERE credentialId = ?")
      .bind(key.id)
      .first<{ counter: number; lastUsed: string }>();
    expect(stored?.counter).toBe(key.counter);
    expect(stored?.lastUsed).not.toBe("");
  });

  it("signs in with an identity, whose passkeys the options list", async () => {
    const options = await signInOptions("pk@example.com");
    expect(options.allowCredentials.map((c: Json) => c.id).sort()).toEqual([key.id, second.id].sort());
    const res = await post("auth-with-passkey", { credential: await second.assert(options, ORIGIN) });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Json).record.id).toBe(userId);
  });

  it("answers an unknown identity exactly like a discoverable request", async () => {
    const options = await signInOptions("nobody@example.com");
    expect(options.allowCredentials ?? []).toEqual([]);
  });

  it("refuses a replayed assertion (the challenge is single use)", async () => {
    const options = await signInOptions();
    const credential = await key.assert(options, ORIGIN);
    expect((await post("auth-with-passkey", { credential })).status).toBe(200);
    await expectRefused(await post("auth-with-passkey", { credential }));
  });

  it("refuses a wrong origin and an unknown challenge", async () => {
    await expectRefused(
      await post("auth-with-passkey", {
        credential: await key.assert(await signInOptions(), "https://evil.test"),
      }),
    );
    await expectRefused(
      await post("auth-with-passkey", {
        credential: await key.assert({ rpId: "edgebase.test", challenge: "bm9wZQ" }, ORIGIN),
      }),
    );
  });

  it("refuses a counter that does not move forward (a cloned authenticator)", async () => {
    const storedCounter = async () =>
      (
        await env.DB.prepare("SELECT counter FROM _passkeys WHERE credentialId = ?")
          .bind(key.id)
          .first<{ counter: number }>()
      )?.counter;
    const stored = await storedCounter();
    expect(stored).toBeGreaterThan(0);
    key.counter = stored ?? 0;
    await expectRefused(
      await post("auth-with-passkey", { credential: await key.assert(await signInOptions(), ORIGIN, 0) }),
    );
    await expectRefused(
      await post("auth-with-passkey", { credential: await key.assert(await signInOptions(), ORIGIN, -1) }),
    );
    expect(await storedCounter()).toBe(stored);
    key.counter = (stored ?? 0) + 5;
    const ok = await post("auth-with-passkey", {
      credential: await key.assert(await signInOptions(), ORIGIN),
    });
    expect(ok.status).toBe(200);
    expect(await storedCounter()).toBe((stored ?? 0) + 6);
  });

  it("refuses a challenge bound to another identity and an expired challenge", async () => {
    await signUp("pk-third@example.com");
    const third = (await signIn("pk-third@example.com")).token;
    const thirdKey = new SoftAuthenticator();
    await register(third, thirdKey, "Key");
    const forPk = await signInOptions("pk@example.com");
    await expectRefused(
      await post("auth-with-passkey", { credential: await thirdKey.assert(forPk, ORIGIN) }),
    );
    const options = await signInOptions();
    await env.DB.prepare("UPDATE _passkeyChallenges SET expires = 0 WHERE challenge = ?")
      .bind(options.challenge)
      .run();
    await expectRefused(
      await post("auth-with-passkey", { credential: await thirdKey.assert(options, ORIGIN) }),
    );
  });

  it("refuses a deleted passkey", async () => {
    const list = (await (await authed(token, `${C}/passkeys`)).json()) as Json;
    const phone = list.items.find((p: Json) => p.name === "Phone");
    expect((await authed(token, `${C}/passkeys/${phone.id}`, { method: "DELETE" })).status).toBe(204);
    await expectRefused(
      await post("auth-with-passkey", { credential: await second.assert(await signInOptions(), ORIGIN) }),
    );
  });

  it("answers 400 in the error shape for malformed bodies", async () => {
    for (const body of [{}, { credential: "x" }, { credential: { id: "", type: "public-key" } }]) {
      const res = await post("auth-with-passkey", body);
      expect(res.status).toBe(400);
      const keys = Object.keys(((await res.json()) as Json).data);
      expect(keys.length).toBeGreaterThan(0);
      for (const k of keys) expect(k).toMatch(/^credential/);
    }
    const res = await post("passkey-options", { identity: "x".repeat(400) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as Json).data).toHaveProperty("identity");
  });
});
