/**
 * `totp.standalone`: an authenticator code as the only sign-in method where an auth collection allows it. Off (the
 * default) a code alone is refused; on, it signs in with the replay rule and the limiter; where MFA applies it
 * stays a first factor. The option is validated, reported by auth-methods and carried by export/import.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { type CollectionRow, rowToCollection } from "../../../src/collections/rows";
import { api, apiJson } from "../../helpers/request";
import {
  authed,
  createSuperuser,
  freshIp,
  type Json,
  PASSWORD,
  signIn,
} from "../../http/routes/auth-helpers";
import { previousStepCode, totpAt } from "./rfc6238";

const C = "/api/collections/solo";
let su: string;

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  apiJson("POST", `${C}/${path}`, body, { "cf-connecting-ip": freshIp(), ...headers });

async function superuser(method: string, path: string, body?: unknown): Promise<Response> {
  return authed(su, path, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function setOptions(body: Record<string, unknown>): Promise<void> {
  const res = await superuser("PATCH", C, body);
  expect(res.status, await res.clone().text()).toBe(200);
}

/** A verified record of `solo` with a confirmed authenticator (confirmed with the previous step's code). */
async function enrolled(email: string): Promise<{ id: string; secret: string; recoveryCodes: string[] }> {
  const created = await superuser("POST", `${C}/records`, {
    email,
    password: PASSWORD,
    passwordConfirm: PASSWORD,
    verified: true,
  });
  expect(created.status, await created.clone().text()).toBe(200);
  const { id } = (await created.json()) as Json;
  const { token } = await signIn(email, "solo");
  const { secret } = (await (await post("totp/enroll", {}, { authorization: token })).json()) as Json;
  const confirm = await post(
    "totp/confirm",
    { code: await previousStepCode(secret) },
    { authorization: token },
  );
  expect(confirm.status).toBe(200);
  return { id, secret, recoveryCodes: ((await confirm.json()) as Json).recoveryCodes };
}

beforeAll(async () => {
  await createSuperuser("solo-root@example.com");
  su = (await signIn("solo-root@example.com", "_superusers")).token;
  const res = await superuser("POST", "/api/collections", { name: "solo", type: "auth" });
  expect(res.status, await res.clone().text()).toBe(200);
});

describe("totp.standalone off (the default)", () => {
  it("is stored, returned and reported as off", async () => {
    const collection = (await (await superuser("GET", C)).json()) as Json;
    expect(collection.totp).toEqual({ standalone: false });
    const methods = (await (await api(`${C}/auth-methods`)).json()) as Json;
    expect(methods.totp).toEqual({ standalone: false });
  });

  it("refuses a correct code alone with a 400 and no token", async () => {
    const { secret } = await enrolled("off@example.com");
    const res = await post("auth-with-totp", {
      identity: "off@example.com",
      code: await totpAt(secret, Date.now()),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as Json;
    expect(body.message).toMatch(/second factor/);
    expect(body.token).toBeUndefined();
  });
});

describe("totp.standalone on", () => {
  beforeAll(async () => {
    await setOptions({ totp: { standalone: true } });
  });

  it("is reported by auth-methods", async () => {
    const methods = (await (await api(`${C}/auth-methods`)).json()) as Json;
    expect(methods.totp).toEqual({ standalone: true });
  });

  it("signs in with a code alone into a working session, and never twice with the same code", async () => {
    const { id, secret } = await enrolled("alone@example.com");
    const code = await totpAt(secret, Date.now());
    const res = await post("auth-with-totp", { identity: "alone@example.com", code });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Json;
    expect(body.record.id).toBe(id);
    expect(body.record.password).toBeUndefined();
    expect((await authed(body.token, "/api/sessions")).status).toBe(200);
    const again = await post("auth-with-totp", { identity: "alone@example.com", code });
    expect(again.status).toBe(400);
    expect(((await again.json()) as Json).data.code.code).toBe("validation_invalid_totp");
  });

  it("accepts a recovery code alone, once", async () => {
    const { id, recoveryCodes } = await enrolled("alone-recovery@example.com");
    const code = recoveryCodes[3];
    const ok = await post("auth-with-totp", { identity: "alone-recovery@example.com", code });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as Json).record.id).toBe(id);
    expect((await post("auth-with-totp", { identity: "alone-recovery@example.com", code })).status).toBe(400);
  });

  it("answers a wrong code, an unknown identity and a record without an authenticator alike", async () => {
    const { secret } = await enrolled("alone-wrong@example.com");
    const right = await totpAt(secret, Date.now());
    const wrong = right === "000000" ? "111111" : "000000";
    const created = await superuser("POST", `${C}/records`, {
      email: "no-app@example.com",
      password: PASSWORD,
      passwordConfirm: PASSWORD,
    });
    expect(created.status).toBe(200);
    const bodies = [];
    for (const identity of ["alone-wrong@example.com", "nobody@example.com", "no-app@example.com"]) {
      const res = await post("auth-with-totp", {
        identity,
        code: identity.startsWith("alone") ? wrong : right,
      });
      expect(res.status, identity).toBe(400);
      bodies.push(await res.json());
    }
    expect(bodies[1]).toEqual(bodies[0]);
    expect(bodies[2]).toEqual(bodies[0]);
  });

  it("throttles guesses per account with 429, before the right code can be tried", async () => {
    const { secret } = await enrolled("alone-guess@example.com");
    const ip = freshIp();
    const right = await totpAt(secret, Date.now());
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      const guess = String(100000 + i) === right ? "999999" : String(100000 + i);
      const res = await post(
        "auth-with-totp",
        { identity: "alone-guess@example.com", code: guess },
        { "cf-connecting-ip": ip },
      );
      statuses.push(res.status);
    }
    expect(statuses.every((s) => s === 400)).toBe(true);
    const blocked = await post(
      "auth-with-totp",
      { identity: "alone-guess@example.com", code: right },
      { "cf-connecting-ip": ip },
    );
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get("retry-after")).toMatch(/^[0-9]+$/);
    expect(((await blocked.json()) as Json).token).toBeUndefined();
  });

  it("stays a first factor where MFA applies: 401 with mfaId, then the password completes", async () => {
    const { id, secret } = await enrolled("alone-mfa@example.com");
    await setOptions({ mfa: { enabled: true, duration: 600, rule: "" } });
    try {
      const first = await post("auth-with-totp", {
        identity: "alone-mfa@example.com",
        code: await totpAt(secret, Date.now()),
      });
      expect(first.status).toBe(401);
      const { mfaId, token } = (await first.json()) as Json;
      expect(token).toBeUndefined();
      expect(mfaId).toMatch(/^[a-z0-9]{15}$/);
      const done = await post("auth-with-password", {
        identity: "alone-mfa@example.com",
        password: PASSWORD,
        mfaId,
      });
      expect(done.status).toBe(200);
      expect(((await done.json()) as Json).record.id).toBe(id);
    } finally {
      await setOptions({ mfa: { enabled: false, duration: 600, rule: "" } });
    }
  });

  it("obeys the authRule", async () => {
    const { secret } = await enrolled("alone-rule@example.com");
    await setOptions({ authRule: "email != 'alone-rule@example.com'" });
    try {
      const res = await post("auth-with-totp", {
        identity: "alone-rule@example.com",
        code: await totpAt(secret, Date.now()),
      });
      expect(res.status).toBe(403);
      expect(((await res.json()) as Json).token).toBeUndefined();
    } finally {
      await setOptions({ authRule: "" });
    }
  });
});

describe("the option itself", () => {
  it.each([
    ["a string", { totp: "yes" }],
    ["a wrong type", { totp: { standalone: "true" } }],
    ["null", { totp: { standalone: null } }],
  ])("refuses %s with a 400 naming totp, and keeps the stored value", async (_label, body) => {
    await setOptions({ totp: { standalone: true } });
    const res = await superuser("PATCH", C, body);
    expect(res.status).toBe(400);
    const json = (await res.json()) as Json;
    expect(Object.keys(json).sort()).toEqual(["data", "message", "status"]);
    expect(JSON.stringify(json.data)).toContain("totp");
    expect(((await (await superuser("GET", C)).json()) as Json).totp).toEqual({ standalone: true });
  });

  it("round-trips through export and import", async () => {
    await setOptions({ totp: { standalone: true } });
    const exported = (await (await superuser("GET", C)).json()) as Json;
    expect(exported.totp).toEqual({ standalone: true });
    await setOptions({ totp: { standalone: false } });
    const imported = await superuser("PUT", "/api/collections/import", {
      collections: [exported],
      deleteMissing: false,
    });
    expect(imported.status, await imported.clone().text()).toBe(204);
    expect(((await (await superuser("GET", C)).json()) as Json).totp).toEqual({ standalone: true });
  });

  it("reads a collection stored before the option existed as off", async () => {
    const row = await env.DB.prepare("SELECT * FROM _collections WHERE name = 'solo'").first<CollectionRow>();
    if (!row) throw new Error("solo is missing");
    const { totp: _stored, ...older } = JSON.parse(row.options) as Record<string, unknown>;
    const collection = rowToCollection({ ...row, options: JSON.stringify(older) });
    expect(collection.type === "auth" && collection.totp).toEqual({ standalone: false });
  });
});
