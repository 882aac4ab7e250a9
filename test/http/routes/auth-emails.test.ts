/** Emailed flows through HTTP: verification, password reset, email change (dev outbox), authRule honoured. */
import { beforeEach, describe, expect, it } from "vitest";
import { clearDevOutbox, readDevOutbox } from "../../../src/auth/mailer";
import { apiJson } from "../../helpers/request";
import { authed, createSuperuser, freshIp, type Json, PASSWORD, signIn, signUp } from "./auth-helpers";

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  apiJson("POST", `/api/collections/users/${path}`, body, { "cf-connecting-ip": freshIp(), ...headers });

/** The token in the last dev-outbox mail to `to` (links end in `/<action>/<token>`). */
function lastTokenTo(to: string): string {
  const mail = readDevOutbox()
    .filter((m) => m.to === to)
    .at(-1);
  if (!mail) throw new Error(`no mail to ${to}`);
  const match = /\/auth\/confirm-[a-z-]+\/([^\s"<]+)/.exec(mail.text);
  return decodeURIComponent(match?.[1] ?? "");
}

beforeEach(() => clearDevOutbox());

describe("verification", () => {
  it("request answers 204 for known and unknown emails; only a real unverified account gets mail", async () => {
    const id = await signUp("ann@example.com");
    expect((await post("request-verification", { email: "ANN@example.com" })).status).toBe(204);
    expect((await post("request-verification", { email: "nobody@example.com" })).status).toBe(204);
    expect(readDevOutbox().map((m) => m.to)).toEqual(["ann@example.com"]);
    const token = lastTokenTo("ann@example.com");
    const { token: auth } = await signIn("ann@example.com");
    const before = (await (await authed(auth, `/api/collections/users/records/${id}`)).json()) as Json;
    expect(before.verified).toBe(false);
    // Signed in as the record (as the SDK sends it): the password is proven too and the session stays.
    const confirmed = await post("confirm-verification", { token }, { authorization: auth });
    expect(confirmed.status).toBe(204);
    const after = (await (await authed(auth, `/api/collections/users/records/${id}`)).json()) as Json;
    expect(after.verified).toBe(true);
    // Verified accounts get no more mail.
    expect((await post("request-verification", { email: "ann@example.com" })).status).toBe(204);
    expect(readDevOutbox()).toHaveLength(1);
  });

  it("refuses bad, foreign-type and other-collection tokens with one 400", async () => {
    await signUp("bob@example.com");
    const { token: authToken } = await signIn("bob@example.com");
    const bodies = new Set<string>();
    for (const token of ["garbage", authToken, "a.b.c"]) {
      const res = await post("confirm-verification", { token });
      expect(res.status).toBe(400);
      bodies.add(await res.text());
    }
    expect(bodies.size).toBe(1);
    expect((await post("confirm-verification", {})).status).toBe(400);
  });
});

describe("password reset", () => {
  it("resets the password, ends every session and burns the reset token", async () => {
    await signUp("carol@example.com");
    const session = await signIn("carol@example.com");
    expect((await post("request-password-reset", { email: "carol@example.com" })).status).toBe(204);
    expect((await post("request-password-reset", { email: "ghost@example.com" })).status).toBe(204);
    expect(readDevOutbox()).toHaveLength(1);
    const token = lastTokenTo("carol@example.com");
    const mismatch = await post("confirm-password-reset", {
      token,
      password: "brand new pass",
      passwordConfirm: "x",
    });
    expect(mismatch.status).toBe(400);
    expect(((await mismatch.json()) as Json).data.passwordConfirm.code).toBe("validation_values_mismatch");
    const short = await post("confirm-password-reset", {
      token,
      password: "short",
      passwordConfirm: "short",
    });
    expect(short.status).toBe(400);
    const ok = await post("confirm-password-reset", {
      token,
      password: "brand new pass",
      passwordConfirm: "brand new pass",
    });
    expect(ok.status).toBe(204);
    expect((await authed(session.token, "/api/sessions")).status).toBe(401);
    const refresh = await post("auth-refresh", { refreshToken: session.refreshToken });
    expect(refresh.status).toBe(401);
    const reused = await post("confirm-password-reset", {
      token,
      password: "another new pass",
      passwordConfirm: "another new pass",
    });
    expect(reused.status).toBe(400);
    await expect(signIn("carol@example.com")).rejects.toThrow();
    expect((await signIn("carol@example.com", "users", "brand new pass")).token).toBeTruthy();
  });

  it("throttles reset requests per account and client IP with 429", async () => {
    const statuses: number[] = [];
    const ip = freshIp();
    for (let i = 0; i < 6; i++)
      statuses.push(
        (await post("request-password-reset", { email: "x@example.com" }, { "cf-connecting-ip": ip })).status,
      );
    expect(statuses).toEqual([204, 204, 204, 204, 204, 429]);
  });
});

describe("email change", () => {
  it("needs the record's token, mails the new address, and switches on confirm with the password", async () => {
    const id = await signUp("dan@example.com");
    await signUp("taken@example.com");
    const { token } = await signIn("dan@example.com");
    expect((await post("request-email-change", { newEmail: "new@example.com" })).status).toBe(401);
    const taken = await post(
      "request-email-change",
      { newEmail: "taken@example.com" },
      { authorization: token },
    );
    expect(taken.status).toBe(400);
    const bad = await post("request-email-change", { newEmail: "not-an-email" }, { authorization: token });
    expect(bad.status).toBe(400);
    const res = await post("request-email-change", { newEmail: "new@example.com" }, { authorization: token });
    expect(res.status).toBe(204);
    const changeToken = lastTokenTo("new@example.com");
    const wrong = await post("confirm-email-change", { token: changeToken, password: "wrong password" });
    expect(wrong.status).toBe(400);
    expect((await post("confirm-email-change", { token: changeToken, password: PASSWORD })).status).toBe(204);
    expect((await authed(token, "/api/sessions")).status).toBe(401);
    const fresh = await signIn("new@example.com");
    expect(fresh.record).toMatchObject({ id, email: "new@example.com", verified: true });
  });
});

describe("authRule", () => {
  it("`verified = true` keeps unverified records from signing in (403), and lets them once verified", async () => {
    await createSuperuser("root@example.com");
    const su = await signIn("root@example.com", "_superusers");
    const patch = await authed(su.token, "/api/collections/users", {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ authRule: "verified = true" }),
    });
    expect(patch.status).toBe(200);
    await signUp("eve@example.com");
    await expect(signIn("eve@example.com")).rejects.toThrow(/sign-in 403/);
    await post("request-verification", { email: "eve@example.com" });
    // No session to send: the app asks for the password, which keeps it.
    const token = lastTokenTo("eve@example.com");
    expect((await post("confirm-verification", { token, password: PASSWORD })).status).toBe(204);
    expect((await signIn("eve@example.com")).record.verified).toBe(true);
    await authed(su.token, "/api/collections/users", {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ authRule: "" }),
    });
  });
});
