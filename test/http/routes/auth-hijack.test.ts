/** Account pre-hijacking (issue 13, finding 14) and request-* enumeration (finding 17) through HTTP. */
import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { clearDevOutbox, readDevOutbox } from "../../../src/auth/mailer";
import { apiJson } from "../../helpers/request";
import { authed, createSuperuser, freshIp, type Json, PASSWORD, signIn, signUp } from "./auth-helpers";

const post = (path: string, body: unknown) =>
  apiJson("POST", `/api/collections/users/${path}`, body, { "cf-connecting-ip": freshIp() });

function lastCodeTo(to: string): string {
  const mail = readDevOutbox()
    .filter((m) => m.to === to)
    .at(-1);
  return /one-time password is: ([0-9]+)/.exec(mail?.text ?? "")?.[1] ?? "";
}

/**
 * Gives the record of `email` a passkey and a linked OAuth2 identity, as its signed-in squatter could have set
 * up (the ceremonies themselves are tested in the passkey and OAuth2 suites); returns a counter of both.
 */
async function squatterCredentials(email: string): Promise<() => Promise<number>> {
  const row = await env.DB.prepare("SELECT id FROM users WHERE email = ?")
    .bind(email)
    .first<{ id: string }>();
  const id = row?.id ?? "";
  const collection = "_pb_users_auth_";
  await env.DB.batch([
    env.DB.prepare(
      "INSERT INTO _passkeys (id, collectionRef, recordRef, name, credentialId, publicKey) VALUES (?, ?, ?, 'k', ?, 'pk')",
    ).bind(`pk${id}`, collection, id, `cred-${id}`),
    env.DB.prepare(
      "INSERT INTO _externalAuths (id, collectionRef, recordRef, provider, providerId) VALUES (?, ?, ?, 'oidc', ?)",
    ).bind(`ea${id}`.slice(0, 15), collection, id, `squatter-${id}`),
  ]);
  return async () => {
    const count = (table: string) =>
      env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE recordRef = ?`)
        .bind(id)
        .first<{ n: number }>();
    return ((await count("_passkeys"))?.n ?? 0) + ((await count("_externalAuths"))?.n ?? 0);
  };
}

async function otpRows(): Promise<number> {
  return (await env.DB.prepare("SELECT COUNT(*) AS n FROM _otps").first<{ n: number }>())?.n ?? 0;
}

beforeAll(async () => {
  await createSuperuser("hijack-admin@example.com");
  const su = (await signIn("hijack-admin@example.com", "_superusers")).token;
  const res = await authed(su, "/api/collections/users", {
    method: "PATCH",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ otp: { enabled: true, duration: 180, length: 8 } }),
  });
  expect(res.status).toBe(200);
});

afterEach(() => vi.restoreAllMocks());

describe("pre-registered unverified account, then the owner signs in with OTP", () => {
  it("the squatter's password and sessions stop working; the owner's OTP session works", async () => {
    // The squatter registers the victim's address with a password of their choosing and signs in.
    await signUp("victim@example.com");
    const squatter = await signIn("victim@example.com");
    const credentials = await squatterCredentials("victim@example.com");
    expect(await credentials()).toBe(2);
    clearDevOutbox();
    const requested = await post("request-otp", { email: "victim@example.com" });
    const { otpId } = (await requested.json()) as Json;
    const owner = await post("auth-with-otp", { otpId, password: lastCodeTo("victim@example.com") });
    expect(owner.status).toBe(200);
    const ownerBody = (await owner.json()) as Json;
    expect(ownerBody.record.verified).toBe(true);

    const again = await post("auth-with-password", { identity: "victim@example.com", password: PASSWORD });
    expect(again.status).toBe(400);
    expect((await authed(squatter.token, "/api/sessions")).status).toBe(401);
    expect((await apiJson("POST", "/api/collections/users/auth-refresh", squatter)).status).toBe(401);
    const mine = await authed(ownerBody.token, "/api/sessions");
    expect(mine.status).toBe(200);
    expect(((await mine.json()) as Json).items).toHaveLength(1);
    // The squatter's passkey and OAuth2 link went with the password.
    expect(await credentials()).toBe(0);
  });

  it("a verified account keeps its password through an OTP sign-in", async () => {
    await signUp("verified@example.com");
    await env.DB.prepare("UPDATE users SET verified = 1 WHERE email = ?").bind("verified@example.com").run();
    clearDevOutbox();
    const { otpId } = (await (await post("request-otp", { email: "verified@example.com" })).json()) as Json;
    expect(
      (await post("auth-with-otp", { otpId, password: lastCodeTo("verified@example.com") })).status,
    ).toBe(200);
    const password = await post("auth-with-password", {
      identity: "verified@example.com",
      password: PASSWORD,
    });
    expect(password.status).toBe(200);
  });
});

/** The token in the last dev-outbox mail to `to` (links end in `/<action>/<token>`). */
function lastTokenTo(to: string): string {
  const mail = readDevOutbox()
    .filter((m) => m.to === to)
    .at(-1);
  const match = /\/auth\/confirm-[a-z-]+\/([^\s"<]+)/.exec(mail?.text ?? "");
  return decodeURIComponent(match?.[1] ?? "");
}

/** Turns password sign-in on or off for `users` (as a superuser). */
async function passwordAuth(enabled: boolean): Promise<void> {
  const su = (await signIn("hijack-admin@example.com", "_superusers")).token;
  const res = await authed(su, "/api/collections/users", {
    method: "PATCH",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ passwordAuth: { enabled } }),
  });
  expect(res.status).toBe(200);
}

describe("pre-registered unverified account, then the owner clicks a verification link", () => {
  it("with password sign-in off, the squatter's password never starts working and their sessions end", async () => {
    await signUp("link-victim@example.com");
    const squatter = await signIn("link-victim@example.com");
    await passwordAuth(false);
    try {
      clearDevOutbox();
      expect((await post("request-verification", { email: "link-victim@example.com" })).status).toBe(204);
      const confirmed = await post("confirm-verification", { token: lastTokenTo("link-victim@example.com") });
      expect(confirmed.status).toBe(204);
      expect((await authed(squatter.token, "/api/sessions")).status).toBe(401);
      expect((await apiJson("POST", "/api/collections/users/auth-refresh", squatter)).status).toBe(401);
    } finally {
      await passwordAuth(true);
    }
    // Turning password sign-in back on does not revive the password nobody proved.
    const again = await post("auth-with-password", {
      identity: "link-victim@example.com",
      password: PASSWORD,
    });
    expect(again.status).toBe(400);
  });

  it("with password sign-in on, a link clicked outside the record's session drops the squatter's password and sessions", async () => {
    // The squatter registers the victim's address with their own password and keeps a session.
    await signUp("link-squatted@example.com");
    const squatter = await signIn("link-squatted@example.com");
    const credentials = await squatterCredentials("link-squatted@example.com");
    await signUp("bystander@example.com");
    const bystander = await signIn("bystander@example.com");
    clearDevOutbox();
    expect((await post("request-verification", { email: "link-squatted@example.com" })).status).toBe(204);
    // The owner clicks the link in their own browser: signed out, or signed in as another account.
    const confirmed = await apiJson(
      "POST",
      "/api/collections/users/confirm-verification",
      { token: lastTokenTo("link-squatted@example.com") },
      { authorization: bystander.token, "cf-connecting-ip": freshIp() },
    );
    expect(confirmed.status).toBe(204);
    const again = await post("auth-with-password", {
      identity: "link-squatted@example.com",
      password: PASSWORD,
    });
    expect(again.status).toBe(400);
    expect((await authed(squatter.token, "/api/sessions")).status).toBe(401);
    expect((await apiJson("POST", "/api/collections/users/auth-refresh", squatter)).status).toBe(401);
    expect(await credentials()).toBe(0);
    // The bystander's own session is untouched.
    expect((await authed(bystander.token, "/api/sessions")).status).toBe(200);
    const row = await env.DB.prepare("SELECT verified FROM users WHERE email = ?")
      .bind("link-squatted@example.com")
      .first<{ verified: number }>();
    expect(row?.verified).toBe(1);
    // The owner takes the account over with a reset, which also proves the address.
    clearDevOutbox();
    expect((await post("request-password-reset", { email: "link-squatted@example.com" })).status).toBe(204);
    const reset = await post("confirm-password-reset", {
      token: lastTokenTo("link-squatted@example.com"),
      password: "owner's own password",
      passwordConfirm: "owner's own password",
    });
    expect(reset.status).toBe(204);
    expect((await signIn("link-squatted@example.com", "users", "owner's own password")).record.verified).toBe(
      true,
    );
  });

  it("with password sign-in on, sign-up → sign-in → verify in one session keeps the password and that session", async () => {
    await signUp("link-owner@example.com");
    const owner = await signIn("link-owner@example.com");
    const credentials = await squatterCredentials("link-owner@example.com");
    clearDevOutbox();
    expect((await post("request-verification", { email: "link-owner@example.com" })).status).toBe(204);
    // The SDK sends its stored token with every request, so the link opened in the app that signed up carries it.
    const confirmed = await apiJson(
      "POST",
      "/api/collections/users/confirm-verification",
      { token: lastTokenTo("link-owner@example.com") },
      { authorization: owner.token, "cf-connecting-ip": freshIp() },
    );
    expect(confirmed.status).toBe(204);
    expect((await authed(owner.token, "/api/sessions")).status).toBe(200);
    // The passkey and OAuth2 link the owner added before verifying stay.
    expect(await credentials()).toBe(2);
    const password = await post("auth-with-password", {
      identity: "link-owner@example.com",
      password: PASSWORD,
    });
    expect(password.status).toBe(200);
    expect(((await password.json()) as Json).record.verified).toBe(true);
  });
});

describe("confirm-verification with the record's password", () => {
  it("a wrong password is a 400 that verifies nothing; the right one keeps password and sessions", async () => {
    await signUp("link-password@example.com");
    const owner = await signIn("link-password@example.com");
    clearDevOutbox();
    expect((await post("request-verification", { email: "link-password@example.com" })).status).toBe(204);
    const token = lastTokenTo("link-password@example.com");
    const wrong = await post("confirm-verification", { token, password: "not the password" });
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as Json).data.password.code).toBe("validation_invalid_password");
    const unverified = await env.DB.prepare("SELECT verified FROM users WHERE email = ?")
      .bind("link-password@example.com")
      .first<{ verified: number }>();
    expect(unverified?.verified).toBe(0);
    expect((await post("confirm-verification", { token, password: 7 })).status).toBe(400);
    expect((await post("confirm-verification", { token, password: PASSWORD })).status).toBe(204);
    expect((await authed(owner.token, "/api/sessions")).status).toBe(200);
    expect((await signIn("link-password@example.com")).record.verified).toBe(true);
  });
});

describe("request-* do the same work whether the account exists", () => {
  it("request-otp stores an OTP for unknown addresses too, which never signs in", async () => {
    await signUp("real-otp@example.com");
    const before = await otpRows();
    const known = await post("request-otp", { email: "real-otp@example.com" });
    const unknown = await post("request-otp", { email: "ghost-otp@example.com" });
    expect(known.status).toBe(200);
    expect(unknown.status).toBe(200);
    expect(await otpRows()).toBe(before + 2);
    const { otpId } = (await unknown.json()) as Json;
    const guess = await post("auth-with-otp", { otpId, password: "12345678" });
    expect(guess.status).toBe(400);
    expect(((await guess.json()) as Json).data.password.code).toBe("validation_invalid_otp");
  });

  it.each(["request-password-reset", "request-verification"])(
    "%s signs a token for known and unknown addresses alike",
    async (path) => {
      await signUp(`real-${path}@example.com`);
      const signs = vi.spyOn(crypto.subtle, "sign");
      expect((await post(path, { email: `real-${path}@example.com` })).status).toBe(204);
      const known = signs.mock.calls.length;
      expect((await post(path, { email: `ghost-${path}@example.com` })).status).toBe(204);
      expect(known).toBeGreaterThan(0);
      expect(signs.mock.calls.length - known).toBe(known);
    },
  );
});
