/** TOTP through HTTP: enrol, confirm, sign in as an MFA method, replay, recovery codes, disable, hostile input. */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { clearDevOutbox, readDevOutbox } from "../../../src/auth/mailer";
import { apiJson } from "../../helpers/request";
import {
  authed,
  createSuperuser,
  eventually,
  freshIp,
  type Json,
  PASSWORD,
  signIn,
  signUp,
} from "../../http/routes/auth-helpers";
import { previousStepCode, totpAt } from "./rfc6238";

const STEP = 30_000;
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  apiJson("POST", `/api/collections/users/${path}`, body, { "cf-connecting-ip": freshIp(), ...headers });

let su: string;

async function patchUsers(body: unknown): Promise<void> {
  const res = await authed(su, "/api/collections/users", {
    method: "PATCH",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
}

/** A verified user with a confirmed authenticator; the confirming code was the previous step's. */
async function enrolled(email: string): Promise<{ id: string; secret: string; recoveryCodes: string[] }> {
  const id = await signUp(email);
  await env.DB.prepare("UPDATE users SET verified = 1 WHERE id = ?").bind(id).run();
  await patchUsers({ mfa: { enabled: false, duration: 600, rule: "" } });
  const { token } = await signIn(email);
  await patchUsers({ mfa: { enabled: true, duration: 600, rule: "" } });
  const start = await post("totp/enroll", {}, { authorization: token });
  expect(start.status).toBe(200);
  const { secret, uri } = (await start.json()) as Json;
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  expect(uri).toContain(`secret=${secret}`);
  const confirm = await post(
    "totp/confirm",
    { code: await previousStepCode(secret) },
    { authorization: token },
  );
  expect(confirm.status).toBe(200);
  const { recoveryCodes } = (await confirm.json()) as Json;
  return { id, secret, recoveryCodes };
}

async function passwordFirst(email: string): Promise<string> {
  const res = await post("auth-with-password", { identity: email, password: PASSWORD });
  expect(res.status).toBe(401);
  return ((await res.json()) as Json).mfaId;
}

beforeAll(async () => {
  await createSuperuser("totp-root@example.com");
  su = (await signIn("totp-root@example.com", "_superusers")).token;
  await patchUsers({ otp: { enabled: true, duration: 180, length: 8 } });
});

describe("TOTP enrolment", () => {
  it("needs a signed-in record of the collection", async () => {
    expect((await post("totp/enroll", {})).status).toBe(401);
    expect((await post("totp/enroll", {}, { authorization: su })).status).toBe(401);
  });

  it("stores the secret encrypted, confirms with a code, returns 10 recovery codes stored hashed", async () => {
    const { id, secret, recoveryCodes } = await enrolled("enrol@example.com");
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    for (const code of recoveryCodes) expect(code).toMatch(/^[a-z0-9]{5}-[a-z0-9]{5}$/);
    const row = await env.DB.prepare("SELECT * FROM _totps WHERE recordRef = ?").bind(id).first<Json>();
    expect(row.confirmed).toBe(1);
    expect(row.secret).not.toContain(secret);
    const hashes = await env.DB.prepare("SELECT hash FROM _totpRecoveryCodes WHERE recordRef = ?")
      .bind(id)
      .all<Json>();
    expect(hashes.results).toHaveLength(10);
    for (const { hash } of hashes.results) {
      expect(hash).toMatch(/^[0-9a-f]{64}$/);
      expect(recoveryCodes).not.toContain(hash);
    }
  });

  it("refuses a wrong confirmation code and a second enrolment once enabled", async () => {
    const id = await signUp("twice@example.com");
    await env.DB.prepare("UPDATE users SET verified = 1 WHERE id = ?").bind(id).run();
    await patchUsers({ mfa: { enabled: false, duration: 600, rule: "" } });
    const { token } = await signIn("twice@example.com");
    const { secret } = (await (await post("totp/enroll", {}, { authorization: token })).json()) as Json;
    const right = await totpAt(secret, Date.now());
    const wrong = right === "000000" ? "111111" : "000000";
    const bad = await post("totp/confirm", { code: wrong }, { authorization: token });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as Json).data.code.code).toBe("validation_invalid_totp");
    expect((await post("totp/confirm", { code: right }, { authorization: token })).status).toBe(200);
    expect((await post("totp/enroll", {}, { authorization: token })).status).toBe(400);
  });
});

describe("TOTP as an MFA method", () => {
  it.each([
    ["password", "totp"],
    ["otp", "totp"],
    ["totp", "password"],
  ])("%s then %s signs in", async (first, second) => {
    const email = `pair-${first}-${second}@example.com`;
    const { id, secret } = await enrolled(email);
    const code = await totpAt(secret, Date.now());
    let mfaId: string;
    if (first === "password") mfaId = await passwordFirst(email);
    else if (first === "otp") {
      clearDevOutbox();
      const { otpId } = (await (await post("request-otp", { email })).json()) as Json;
      const text = readDevOutbox().find((m) => m.to === email)?.text ?? "";
      const otp = /one-time password is: ([0-9]+)/.exec(text)?.[1] ?? "";
      const res = await post("auth-with-otp", { otpId, password: otp });
      expect(res.status).toBe(401);
      mfaId = ((await res.json()) as Json).mfaId;
    } else {
      const res = await post("auth-with-totp", { identity: email, code });
      expect(res.status).toBe(401);
      mfaId = ((await res.json()) as Json).mfaId;
    }
    const done =
      second === "totp"
        ? await post("auth-with-totp", { mfaId, code })
        : await post("auth-with-password", { identity: email, password: PASSWORD, mfaId });
    expect(done.status).toBe(200);
    expect(((await done.json()) as Json).record.id).toBe(id);
  });

  it("refuses TOTP as its own second factor", async () => {
    const { secret } = await enrolled("same-totp@example.com");
    const first = await post("auth-with-totp", {
      identity: "same-totp@example.com",
      code: await totpAt(secret, Date.now()),
    });
    const { mfaId } = (await first.json()) as Json;
    const res = await post("auth-with-totp", { mfaId, code: await totpAt(secret, Date.now() + STEP) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as Json).data.mfaId.code).toBe("validation_invalid_mfa");
  });

  it("never accepts a code twice, nor an older one after a newer (replay)", async () => {
    const { secret } = await enrolled("replay@example.com");
    const now = await totpAt(secret, Date.now());
    const next = await totpAt(secret, Date.now() + STEP);
    const ok = await post("auth-with-totp", { mfaId: await passwordFirst("replay@example.com"), code: now });
    expect(ok.status).toBe(200);
    const mfaId = await passwordFirst("replay@example.com");
    const again = await post("auth-with-totp", { mfaId, code: now });
    expect(again.status).toBe(400);
    expect(((await again.json()) as Json).data.code.code).toBe("validation_invalid_totp");
    expect((await post("auth-with-totp", { mfaId, code: next })).status).toBe(200);
    const older = await post("auth-with-totp", {
      mfaId: await passwordFirst("replay@example.com"),
      code: now,
    });
    expect(older.status).toBe(400);
  });

  it("accepts each recovery code once", async () => {
    const { id, recoveryCodes } = await enrolled("recover@example.com");
    const [code] = recoveryCodes;
    const ok = await post("auth-with-totp", { mfaId: await passwordFirst("recover@example.com"), code });
    expect(ok.status).toBe(200);
    const again = await post("auth-with-totp", { mfaId: await passwordFirst("recover@example.com"), code });
    expect(again.status).toBe(400);
    const left = await env.DB.prepare("SELECT COUNT(*) AS n FROM _totpRecoveryCodes WHERE recordRef = ?")
      .bind(id)
      .first<{ n: number }>();
    expect(left?.n).toBe(9);
  });

  it("is never a sign-in on its own (MFA off for the record)", async () => {
    const { secret } = await enrolled("alone@example.com");
    await patchUsers({ mfa: { enabled: false, duration: 600, rule: "" } });
    try {
      const res = await post("auth-with-totp", {
        identity: "alone@example.com",
        code: await totpAt(secret, Date.now()),
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as Json).token).toBeUndefined();
    } finally {
      await patchUsers({ mfa: { enabled: true, duration: 600, rule: "" } });
    }
  });

  it.each([
    ["no mfaId nor identity", { code: "123456" }, "mfaId"],
    ["a code too long", { identity: "x@example.com", code: "1".repeat(33) }, "code"],
    ["a code of the wrong type", { identity: "x@example.com", code: 123456 }, "code"],
    ["an unknown identity", { identity: "nobody@example.com", code: "123456" }, "code"],
    ["an unknown mfaId", { mfaId: "zzzzzzzzzzzzzzz", code: "123456" }, "code"],
  ])("answers %s with a 400 naming the field", async (_label, body, field) => {
    const res = await post("auth-with-totp", body);
    expect(res.status).toBe(400);
    const json = (await res.json()) as Json;
    expect(Object.keys(json).sort()).toEqual(["data", "message", "status"]);
    expect(json.data[field]).toBeDefined();
  });

  it("throttles wrong codes per account with 429", async () => {
    await enrolled("guess@example.com");
    const ip = freshIp();
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      const res = await post(
        "auth-with-totp",
        { identity: "guess@example.com", code: String(100000 + i) },
        { "cf-connecting-ip": ip },
      );
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 10).every((s) => s === 400)).toBe(true);
    expect(statuses[10]).toBe(429);
  });
});

describe("disabling TOTP", () => {
  it("with a current code, after which codes no longer sign in", async () => {
    const { secret } = await enrolled("off-code@example.com");
    await patchUsers({ mfa: { enabled: false, duration: 600, rule: "" } });
    const { token } = await signIn("off-code@example.com");
    await patchUsers({ mfa: { enabled: true, duration: 600, rule: "" } });
    const res = await post(
      "totp/disable",
      { code: await totpAt(secret, Date.now()) },
      { authorization: token },
    );
    expect(res.status).toBe(204);
    const later = await post("auth-with-totp", {
      mfaId: await passwordFirst("off-code@example.com"),
      code: await totpAt(secret, Date.now() + STEP),
    });
    expect(later.status).toBe(400);
    expect((await post("totp/disable", { password: PASSWORD }, { authorization: token })).status).toBe(400);
  });

  it("with the password (a wrong one is a 400), and removes the recovery codes", async () => {
    const { id } = await enrolled("off-password@example.com");
    await patchUsers({ mfa: { enabled: false, duration: 600, rule: "" } });
    const { token } = await signIn("off-password@example.com");
    await patchUsers({ mfa: { enabled: true, duration: 600, rule: "" } });
    const wrong = await post("totp/disable", { password: "not the password" }, { authorization: token });
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as Json).data.password.code).toBe("validation_invalid_password");
    const both = await post("totp/disable", { password: PASSWORD, code: "123456" }, { authorization: token });
    expect(both.status).toBe(400);
    expect((await post("totp/disable", { password: PASSWORD }, { authorization: token })).status).toBe(204);
    const left = await env.DB.prepare(
      "SELECT (SELECT COUNT(*) FROM _totps WHERE recordRef = ?1) + (SELECT COUNT(*) FROM _totpRecoveryCodes WHERE recordRef = ?1) AS n",
    )
      .bind(id)
      .first<{ n: number }>();
    expect(left?.n).toBe(0);
  });
});

describe("deleting a record", () => {
  it("deletes its authenticator and recovery codes", async () => {
    const { id } = await enrolled("gone@example.com");
    expect((await authed(su, `/api/collections/users/records/${id}`, { method: "DELETE" })).status).toBe(204);
    const count = async () =>
      (
        await env.DB.prepare(
          "SELECT (SELECT COUNT(*) FROM _totps WHERE recordRef = ?1) + (SELECT COUNT(*) FROM _totpRecoveryCodes WHERE recordRef = ?1) AS n",
        )
          .bind(id)
          .first<{ n: number }>()
      )?.n;
    expect(await eventually(async () => (await count()) === 0)).toBe(true);
  });
});

describe("TOTP status (GET totp)", () => {
  const status = (headers: Record<string, string> = {}, collection = "users") =>
    apiJson("GET", `/api/collections/${collection}/totp`, undefined, headers);

  it("follows enrolment, confirmation, a spent recovery code and disabling, never showing the secret", async () => {
    const id = await signUp("status@example.com");
    await env.DB.prepare("UPDATE users SET verified = 1 WHERE id = ?").bind(id).run();
    await patchUsers({ mfa: { enabled: false, duration: 600, rule: "" } });
    const { token } = await signIn("status@example.com");
    try {
      expect(await (await status({ authorization: token })).json()).toEqual({
        enabled: false,
        recoveryCodesLeft: 0,
      });
      const { secret } = (await (await post("totp/enroll", {}, { authorization: token })).json()) as Json;
      const pending = await status({ authorization: token });
      expect(pending.status).toBe(200);
      const pendingText = await pending.text();
      expect(JSON.parse(pendingText)).toEqual({ enabled: false, recoveryCodesLeft: 0 });
      expect(pendingText).not.toContain(secret);
      const confirm = await post(
        "totp/confirm",
        { code: await totpAt(secret, Date.now()) },
        { authorization: token },
      );
      const { recoveryCodes } = (await confirm.json()) as Json;
      expect(await (await status({ authorization: token })).json()).toEqual({
        enabled: true,
        recoveryCodesLeft: 10,
      });
      await patchUsers({ mfa: { enabled: true, duration: 600, rule: "" } });
      const mfaId = await passwordFirst("status@example.com");
      expect((await post("auth-with-totp", { mfaId, code: recoveryCodes[0] })).status).toBe(200);
      expect(await (await status({ authorization: token })).json()).toEqual({
        enabled: true,
        recoveryCodesLeft: 9,
      });
      expect((await post("totp/disable", { password: PASSWORD }, { authorization: token })).status).toBe(204);
      expect(await (await status({ authorization: token })).json()).toEqual({
        enabled: false,
        recoveryCodesLeft: 0,
      });
    } finally {
      await patchUsers({ mfa: { enabled: true, duration: 600, rule: "" } });
    }
  });

  it.each([
    ["a guest", {}, "users", 401],
    ["a superuser on users", "su", "users", 401],
    ["a bad token", { authorization: "not-a-token" }, "users", 401],
    ["an unknown collection", "su", "nope_not_here", 404],
  ] as const)("answers %s in the one error shape", async (_label, who, collection, code) => {
    const headers = who === "su" ? { authorization: su } : who;
    const res = await status(headers, collection);
    expect(res.status).toBe(code);
    const body = (await res.json()) as Json;
    expect(Object.keys(body).sort()).toEqual(["data", "message", "status"]);
    expect(body.status).toBe(code);
  });
});
