/** Rate-limit keys and throttled password checks through HTTP (issue 13, findings 5, 16 and 17). */
import { describe, expect, it } from "vitest";
import { clearDevOutbox, readDevOutbox } from "../../../src/auth/mailer";
import { ipBucket } from "../../../src/auth/rate-limit";
import { apiJson } from "../../helpers/request";
import { authed, freshIp, type Json, PASSWORD, signIn, signUp } from "./auth-helpers";

const post = (path: string, body: unknown, ip?: string) =>
  apiJson("POST", `/api/collections/users/${path}`, body, ip ? { "cf-connecting-ip": ip } : {});

describe("ipBucket", () => {
  it.each([
    ["198.51.100.7", "198.51.100.7"],
    ["2001:db8:1:2::1", "2001:db8:1:2::/64"],
    ["2001:0db8:0001:0002:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"],
    ["::1", "0:0:0:0::/64"],
    ["::ffff:192.0.2.1", "0:0:0:0::/64"],
    ["", null],
    ["   ", null],
  ])("%s -> %s", (ip, bucket) => {
    expect(ipBucket(ip)).toBe(bucket);
  });
});

describe("rate-limit keys", () => {
  it("IPv6 addresses of one /64 share the per-IP limit", async () => {
    const statuses: number[] = [];
    for (let i = 1; i <= 21; i++) {
      const ip = `2001:db8:aaaa:bbbb:${i.toString(16)}::${i}`;
      statuses.push((await post("request-password-reset", { email: `six${i}@example.com` }, ip)).status);
    }
    expect(statuses.slice(0, 20).every((s) => s === 204)).toBe(true);
    expect(statuses[20]).toBe(429);
  });

  it("requests without a client IP do not share one global bucket", async () => {
    for (let i = 1; i <= 25; i++) {
      expect((await post("request-password-reset", { email: `noip${i}@example.com` })).status).toBe(204);
    }
  });

  it("failures from an attacker's IP do not lock the owner out from hers", async () => {
    await signUp("target@example.com");
    const attacker = freshIp();
    for (let i = 0; i < 10; i++) {
      const res = await post(
        "auth-with-password",
        { identity: "target@example.com", password: `wrong ${i}` },
        attacker,
      );
      expect(res.status).toBe(400);
    }
    const blocked = await post(
      "auth-with-password",
      { identity: "target@example.com", password: PASSWORD },
      attacker,
    );
    expect(blocked.status).toBe(429);
    const owner = await post(
      "auth-with-password",
      { identity: "target@example.com", password: PASSWORD },
      freshIp(),
    );
    expect(owner.status).toBe(200);
  });

  it("sign-ups are throttled per IP", async () => {
    const ip = freshIp();
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) {
      const res = await apiJson(
        "POST",
        "/api/collections/users/records",
        { email: `mass${i}@example.com`, password: PASSWORD, passwordConfirm: PASSWORD },
        { "cf-connecting-ip": ip },
      );
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 20).every((s) => s === 200)).toBe(true);
    expect(statuses[20]).toBe(429);
  });
});

describe("password checks by a signed-in caller are throttled", () => {
  it("oldPassword on PATCH: the 11th guess is a 429, even through /api/batch", async () => {
    const id = await signUp("guess-old@example.com");
    const { token } = await signIn("guess-old@example.com");
    const ip = freshIp();
    const guess = (i: number) =>
      authed(token, `/api/collections/users/records/${id}`, {
        method: "PATCH",
        headers: { "content-type": "application/json", "cf-connecting-ip": ip },
        body: JSON.stringify({
          oldPassword: `guess ${i}`,
          password: "new password!!",
          passwordConfirm: "new password!!",
        }),
      });
    for (let i = 0; i < 10; i++) expect((await guess(i)).status).toBe(400);
    expect((await guess(10)).status).toBe(429);
    const batch = await authed(token, "/api/batch", {
      method: "POST",
      headers: { "content-type": "application/json", "cf-connecting-ip": ip },
      body: JSON.stringify({
        requests: [
          {
            method: "PATCH",
            url: `/api/collections/users/records/${id}`,
            body: { oldPassword: "guess b", password: "new password!!", passwordConfirm: "new password!!" },
          },
        ],
      }),
    });
    expect(batch.status).toBe(429);
  });

  it("the password of confirm-email-change: the 11th guess is a 429", async () => {
    await signUp("guess-change@example.com");
    const { token } = await signIn("guess-change@example.com");
    clearDevOutbox();
    const requested = await authed(token, "/api/collections/users/request-email-change", {
      method: "POST",
      headers: { "content-type": "application/json", "cf-connecting-ip": freshIp() },
      body: JSON.stringify({ newEmail: "changed@example.com" }),
    });
    expect(requested.status).toBe(204);
    const mail = readDevOutbox().find((m) => m.to === "changed@example.com");
    const emailToken = decodeURIComponent(
      /confirm-email-change\/([^\s"<]+)/.exec(mail?.text ?? "")?.[1] ?? "",
    );
    const ip = freshIp();
    for (let i = 0; i < 10; i++) {
      const res = await post("confirm-email-change", { token: emailToken, password: `guess ${i}` }, ip);
      expect(res.status).toBe(400);
      expect(((await res.json()) as Json).data.password.code).toBe("validation_invalid_password");
    }
    expect((await post("confirm-email-change", { token: emailToken, password: PASSWORD }, ip)).status).toBe(
      429,
    );
  });
});
