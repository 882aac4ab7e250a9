/** MFA through HTTP: every pair of methods, refused second factors, expiry, the rule, superusers, clean-up. */
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

const post = (collection: string, path: string, body: unknown, query = "") =>
  apiJson("POST", `/api/collections/${collection}/${path}${query}`, body, { "cf-connecting-ip": freshIp() });

let su: string;

async function patchCollection(name: string, body: unknown): Promise<void> {
  const res = await authed(su, `/api/collections/${name}`, {
    method: "PATCH",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(res.status, await res.clone().text()).toBe(200);
}

/** A verified user (an unverified one's first OTP also resets its password: see auth-otp tests). */
async function verifiedUser(email: string, fields: Record<string, unknown> = {}): Promise<string> {
  const id = await signUp(email, fields);
  await env.DB.prepare("UPDATE users SET verified = 1 WHERE id = ?").bind(id).run();
  return id;
}

function lastCodeTo(to: string): string {
  const mail = readDevOutbox()
    .filter((m) => m.to === to)
    .at(-1);
  return /one-time password is: ([0-9]+)/.exec(mail?.text ?? "")?.[1] ?? "";
}

type Method = "password" | "otp";

/** Signs in with one method (optionally completing `mfaId`); returns the raw response. */
async function withMethod(method: Method, email: string, mfaId?: string, collection = "users") {
  const extra = mfaId ? { mfaId } : {};
  if (method === "password") {
    return post(collection, "auth-with-password", { identity: email, password: PASSWORD, ...extra });
  }
  clearDevOutbox();
  const otp = await post(collection, "request-otp", { email });
  expect(otp.status).toBe(200);
  const { otpId } = (await otp.json()) as Json;
  return post(collection, "auth-with-otp", { otpId, password: lastCodeTo(email), ...extra });
}

/** The first factor: a 401 in the error shape plus `mfaId`. */
async function firstFactor(method: Method, email: string, collection = "users"): Promise<string> {
  const res = await withMethod(method, email, undefined, collection);
  expect(res.status).toBe(401);
  const body = (await res.json()) as Json;
  expect(body).toMatchObject({ status: 401, data: {} });
  expect(body.message).toMatch(/MFA/);
  expect(body.mfaId).toMatch(/^[a-z0-9]{15}$/);
  expect(body.token).toBeUndefined();
  return body.mfaId;
}

async function pendingCount(recordId: string): Promise<number> {
  const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM _mfas WHERE recordRef = ?")
    .bind(recordId)
    .first<{ n: number }>();
  return row?.n ?? -1;
}

beforeAll(async () => {
  await createSuperuser("mfa-root@example.com");
  su = (await signIn("mfa-root@example.com", "_superusers")).token;
  await patchCollection("users", {
    otp: { enabled: true, duration: 180, length: 8 },
    mfa: { enabled: true, duration: 600, rule: "" },
  });
});

describe("MFA", () => {
  it("auth-methods reports it truthfully", async () => {
    const res = await apiJson("GET", "/api/collections/users/auth-methods", undefined);
    expect(((await res.json()) as Json).mfa).toEqual({ enabled: true, duration: 600 });
  });

  it.each([
    ["password", "otp"],
    ["otp", "password"],
  ] as const)("%s then %s signs in, and the mfaId is spent", async (first, second) => {
    const email = `pair-${first}-${second}@example.com`;
    const id = await verifiedUser(email);
    const mfaId = await firstFactor(first, email);
    const pending = await env.DB.prepare("SELECT * FROM _mfas WHERE id = ?").bind(mfaId).first<Json>();
    expect(pending).toMatchObject({ recordRef: id, collectionRef: "_pb_users_auth_", method: first });
    const done = await withMethod(second, email, mfaId);
    expect(done.status).toBe(200);
    const body = (await done.json()) as Json;
    expect(body.record.id).toBe(id);
    expect((await authed(body.token, "/api/sessions")).status).toBe(200);
    expect(await pendingCount(id)).toBe(0);
    const again = await withMethod(first, email, mfaId);
    expect(again.status).toBe(400);
    expect(((await again.json()) as Json).data.mfaId.code).toBe("validation_invalid_mfa");
  });

  it.each(["password", "otp"] as const)("refuses %s as its own second factor", async (method) => {
    const email = `same-${method}@example.com`;
    const id = await verifiedUser(email);
    const mfaId = await firstFactor(method, email);
    const res = await withMethod(method, email, mfaId);
    expect(res.status).toBe(400);
    const body = (await res.json()) as Json;
    expect(body.data.mfaId.code).toBe("validation_invalid_mfa");
    expect(body.token).toBeUndefined();
    expect(await pendingCount(id)).toBe(1);
  });

  it("refuses another user's mfaId without spending it", async () => {
    await verifiedUser("victim@example.com");
    await verifiedUser("thief@example.com");
    const victims = await firstFactor("password", "victim@example.com");
    const res = await withMethod("otp", "thief@example.com", victims);
    expect(res.status).toBe(400);
    expect(((await res.json()) as Json).mfaId).toBeUndefined();
    expect((await withMethod("otp", "victim@example.com", victims)).status).toBe(200);
  });

  it("refuses an expired mfaId and deletes it", async () => {
    const id = await verifiedUser("late@example.com");
    const mfaId = await firstFactor("password", "late@example.com");
    await env.DB.prepare("UPDATE _mfas SET created = ? WHERE id = ?")
      .bind(new Date(Date.now() - 601_000).toISOString().replace("T", " "), mfaId)
      .run();
    const res = await withMethod("otp", "late@example.com", mfaId);
    expect(res.status).toBe(400);
    expect(((await res.json()) as Json).data.mfaId.code).toBe("validation_invalid_mfa");
    expect(await pendingCount(id)).toBe(0);
  });

  it("takes mfaId from the query as the SDK sends it", async () => {
    await verifiedUser("query@example.com");
    const mfaId = await firstFactor("password", "query@example.com");
    clearDevOutbox();
    const { otpId } = (await (
      await post("users", "request-otp", { email: "query@example.com" })
    ).json()) as Json;
    const res = await post(
      "users",
      "auth-with-otp",
      { otpId, password: lastCodeTo("query@example.com") },
      `?mfaId=${mfaId}`,
    );
    expect(res.status).toBe(200);
  });

  it.each([
    ["an unknown id", "zzzzzzzzzzzzzzz", 400],
    ["a very long id", "x".repeat(65), 400],
    ["a number", 12345, 400],
  ])("answers %s with a 400 in the error shape", async (_label, mfaId, status) => {
    await verifiedUser(`hostile-${String(mfaId).length}@example.com`);
    const res = await post("users", "auth-with-password", {
      identity: `hostile-${String(mfaId).length}@example.com`,
      password: PASSWORD,
      mfaId,
    });
    expect(res.status).toBe(status);
    const body = (await res.json()) as Json;
    expect(Object.keys(body).sort()).toEqual(["data", "message", "status"]);
    expect(body.data.mfaId).toBeDefined();
  });

  it("a wrong second factor leaves the pending MFA in place", async () => {
    const id = await verifiedUser("typo@example.com");
    const mfaId = await firstFactor("otp", "typo@example.com");
    const res = await post("users", "auth-with-password", {
      identity: "typo@example.com",
      password: "wrong password",
      mfaId,
    });
    expect(res.status).toBe(400);
    expect(await pendingCount(id)).toBe(1);
  });

  it("a password change drops the record's pending MFAs", async () => {
    const id = await verifiedUser("rotate@example.com");
    const mfaId = await firstFactor("password", "rotate@example.com");
    const res = await apiJson(
      "PATCH",
      `/api/collections/users/records/${id}`,
      { oldPassword: PASSWORD, password: "a brand new secret", passwordConfirm: "a brand new secret" },
      { authorization: su },
    );
    expect(res.status).toBe(200);
    expect(await eventually(async () => (await pendingCount(id)) === 0)).toBe(true);
    expect((await withMethod("otp", "rotate@example.com", mfaId)).status).toBe(400);
  });

  it("applies only to records matching the rule", async () => {
    await patchCollection("users", { mfa: { enabled: true, duration: 600, rule: "name = 'strict'" } });
    try {
      await verifiedUser("relaxed@example.com", { name: "relaxed" });
      await verifiedUser("strict@example.com", { name: "strict" });
      expect((await withMethod("password", "relaxed@example.com")).status).toBe(200);
      await firstFactor("password", "strict@example.com");
    } finally {
      await patchCollection("users", { mfa: { enabled: true, duration: 600, rule: "" } });
    }
  });

  it("is checked after the authRule: a record that may not sign in gets no mfaId", async () => {
    await patchCollection("users", { authRule: "name != 'banned'" });
    try {
      const id = await verifiedUser("banned@example.com", { name: "banned" });
      const res = await withMethod("password", "banned@example.com");
      expect(res.status).toBe(403);
      expect(await pendingCount(id)).toBe(0);
    } finally {
      await patchCollection("users", { authRule: "" });
    }
  });

  it("the cron job deletes expired pending MFAs and orphans, and keeps live ones", async () => {
    const id = await verifiedUser("cron@example.com");
    const old = await firstFactor("password", "cron@example.com");
    const live = await firstFactor("otp", "cron@example.com");
    await env.DB.prepare("UPDATE _mfas SET created = ? WHERE id = ?")
      .bind(new Date(Date.now() - 700_000).toISOString().replace("T", " "), old)
      .run();
    await env.DB.prepare(
      "INSERT INTO _mfas (id, collectionRef, recordRef, method, created, updated) VALUES ('orphanmfa000001', 'gonecollection1', 'r', 'password', ?1, ?1)",
    )
      .bind(new Date().toISOString().replace("T", " "))
      .run();
    expect((await authed(su, "/api/crons/__pbMFACleanup__", { method: "POST" })).status).toBe(204);
    expect(
      await eventually(
        async () => !(await env.DB.prepare("SELECT 1 FROM _mfas WHERE id = 'orphanmfa000001'").first()),
      ),
    ).toBe(true);
    expect(
      await eventually(
        async () => !(await env.DB.prepare("SELECT 1 FROM _mfas WHERE id = ?").bind(old).first()),
      ),
    ).toBe(true);
    const left = await env.DB.prepare("SELECT id FROM _mfas WHERE recordRef = ?").bind(id).all<Json>();
    expect(left.results.map((r) => r.id)).toEqual([live]);
  });

  it("owners may list their own pending MFAs through the records API, nobody else's", async () => {
    const id = await verifiedUser("lister@example.com");
    await firstFactor("password", "lister@example.com");
    await patchCollection("users", { mfa: { enabled: false, duration: 600, rule: "" } });
    try {
      const { token } = await signIn("lister@example.com");
      const mine = await authed(token, "/api/collections/_mfas/records");
      const items = ((await mine.json()) as Json).items as Json[];
      expect(items.map((r) => r.recordRef)).toEqual([id]);
      const forged = await authed(token, "/api/collections/_mfas/records", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ collectionRef: "_pb_users_auth_", recordRef: id, method: "password" }),
      });
      expect(forged.status).toBe(403);
    } finally {
      await patchCollection("users", { mfa: { enabled: true, duration: 600, rule: "" } });
    }
  });
});

describe("MFA for superusers", () => {
  it("password then OTP signs a superuser in", async () => {
    await createSuperuser("mfa-admin@example.com");
    await env.DB.prepare("UPDATE _superusers SET verified = 1 WHERE email = 'mfa-admin@example.com'").run();
    await patchCollection("_superusers", {
      otp: { enabled: true, duration: 180, length: 8 },
      mfa: { enabled: true, duration: 600, rule: "" },
    });
    try {
      const mfaId = await firstFactor("password", "mfa-admin@example.com", "_superusers");
      const res = await withMethod("otp", "mfa-admin@example.com", mfaId, "_superusers");
      expect(res.status).toBe(200);
      const { token } = (await res.json()) as Json;
      expect((await authed(token, "/api/collections")).status).toBe(200);
    } finally {
      await patchCollection("_superusers", { mfa: { enabled: false, duration: 600, rule: "" } });
    }
  });
});

describe("MFA on an unverified account", () => {
  it("password then the first OTP (which proves the address) signs in", async () => {
    const id = await signUp("fresh@example.com");
    const mfaId = await firstFactor("password", "fresh@example.com");
    const res = await withMethod("otp", "fresh@example.com", mfaId);
    expect(res.status).toBe(200);
    expect(((await res.json()) as Json).record).toMatchObject({ id, verified: true });
    // The same person proved the password and the address: the password still works (as a first factor).
    expect(await firstFactor("password", "fresh@example.com")).toMatch(/^[a-z0-9]{15}$/);
  });

  it("the first OTP as the first factor still replaces the unproven password", async () => {
    await signUp("prehijacked@example.com");
    await firstFactor("otp", "prehijacked@example.com");
    expect((await withMethod("password", "prehijacked@example.com")).status).toBe(400);
  });
});
