/** OTP sign-in (request-otp / auth-with-otp) and superuser impersonation through HTTP. */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { clearDevOutbox, readDevOutbox } from "../../../src/auth/mailer";
import { apiJson } from "../../helpers/request";
import { authed, createSuperuser, freshIp, type Json, signIn, signUp } from "./auth-helpers";

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  apiJson("POST", `/api/collections/users/${path}`, body, { "cf-connecting-ip": freshIp(), ...headers });

function lastCodeTo(to: string): string {
  const mail = readDevOutbox()
    .filter((m) => m.to === to)
    .at(-1);
  return /one-time password is: ([0-9]+)/.exec(mail?.text ?? "")?.[1] ?? "";
}

let su: string;

beforeAll(async () => {
  await createSuperuser("root@example.com");
  su = (await signIn("root@example.com", "_superusers")).token;
});

async function setOtp(enabled: boolean) {
  const res = await authed(su, "/api/collections/users", {
    method: "PATCH",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ otp: { enabled, duration: 180, length: 8 } }),
  });
  expect(res.status).toBe(200);
}

describe("OTP sign-in", () => {
  it("is refused while the collection has OTP disabled", async () => {
    await setOtp(false);
    expect((await post("request-otp", { email: "a@example.com" })).status).toBe(400);
  });

  it("emails a code that signs in once and marks the email verified", async () => {
    await setOtp(true);
    clearDevOutbox();
    const id = await signUp("ann@example.com");
    const res = await post("request-otp", { email: "Ann@example.com" });
    expect(res.status).toBe(200);
    const { otpId } = (await res.json()) as Json;
    const code = lastCodeTo("ann@example.com");
    expect(code).toMatch(/^[0-9]{8}$/);
    const wrong = await post("auth-with-otp", {
      otpId,
      password: code === "00000000" ? "11111111" : "00000000",
    });
    expect(wrong.status).toBe(400);
    const ok = await post("auth-with-otp", { otpId, password: code });
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as Json;
    expect(body.record).toMatchObject({ id, verified: true });
    expect((await authed(body.token, "/api/sessions")).status).toBe(200);
    const again = await post("auth-with-otp", { otpId, password: code });
    expect(again.status).toBe(400);
  });

  it("unknown emails get an otpId too (no mail) that never verifies", async () => {
    clearDevOutbox();
    const res = await post("request-otp", { email: "ghost@example.com" });
    expect(res.status).toBe(200);
    const { otpId } = (await res.json()) as Json;
    expect(otpId).toMatch(/^[a-z0-9]{15}$/);
    expect(readDevOutbox()).toHaveLength(0);
    expect((await post("auth-with-otp", { otpId, password: "12345678" })).status).toBe(400);
  });

  it("burns an OTP after repeated wrong codes", async () => {
    await signUp("bob@example.com");
    const { otpId } = (await (await post("request-otp", { email: "bob@example.com" })).json()) as Json;
    const code = lastCodeTo("bob@example.com");
    const wrongCode = code === "00000000" ? "11111111" : "00000000";
    for (let i = 0; i < 5; i++)
      expect((await post("auth-with-otp", { otpId, password: wrongCode })).status).toBe(400);
    const left = await env.DB.prepare("SELECT COUNT(*) AS n FROM _otps WHERE id = ?")
      .bind(otpId)
      .first<{ n: number }>();
    expect(left?.n).toBe(0);
    const late = await post("auth-with-otp", { otpId, password: code });
    expect([400, 429]).toContain(late.status);
    expect(late.status).not.toBe(200);
  });

  it("throttles OTP requests per account and client IP", async () => {
    const statuses: number[] = [];
    const ip = freshIp();
    for (let i = 0; i < 6; i++)
      statuses.push(
        (await post("request-otp", { email: "spam@example.com" }, { "cf-connecting-ip": ip })).status,
      );
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
  });
});

describe("impersonate", () => {
  it("a superuser gets a non-renewable token of a user; others may not", async () => {
    const id = await signUp("carol@example.com");
    const carol = await signIn("carol@example.com");
    expect((await post(`impersonate/${id}`, {})).status).toBe(401);
    expect((await post(`impersonate/${id}`, {}, { authorization: carol.token })).status).toBe(403);
    expect((await post("impersonate/nosuchrecord000", {}, { authorization: su })).status).toBe(404);
    const res = await post(`impersonate/${id}`, { duration: 600 }, { authorization: su });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Json;
    expect(body.record.id).toBe(id);
    expect(body.refreshToken).toBeUndefined();
    const claims = JSON.parse(
      atob((body.token.split(".")[1] ?? "").replaceAll("-", "+").replaceAll("_", "/")),
    );
    expect(claims.exp - claims.iat).toBe(600);
    expect(claims.refreshable).toBe(false);
    const view = await authed(body.token, `/api/collections/users/records/${id}`);
    expect(view.status).toBe(200);
    // Not renewed (PocketBase >= 0.29): the same token comes back (sessions/impersonation.test.ts has more).
    const renew = await post("auth-refresh", {}, { authorization: body.token });
    expect(renew.status).toBe(200);
    expect(((await renew.json()) as Json).token).toBe(body.token);
  });

  it("the impersonation session says so in the user's list, not the superuser's IP and user agent", async () => {
    const id = await signUp("dora@example.com");
    const res = await post(
      `impersonate/${id}`,
      {},
      {
        authorization: su,
        "cf-connecting-ip": "198.51.100.99",
        "user-agent": "superuser-browser/1.0",
      },
    );
    expect(res.status).toBe(200);
    const { token } = (await res.json()) as Json;
    const list = await authed(token, "/api/sessions");
    const [session] = ((await list.json()) as Json).items;
    expect(session.ip).toBe("");
    expect(session.userAgent).toMatch(/^impersonation by _superusers\/[a-z0-9]+$/);
  });
});
