/** auth-with-password, auth-methods and PocketBase-style auth-refresh through the Worker. */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, apiJson } from "../../helpers/request";
import { authed, createSuperuser, freshIp, type Json, PASSWORD, signIn, signUp } from "./auth-helpers";

describe("auth-with-password", () => {
  it("signs in with a case-insensitive email and returns token, record and refreshToken", async () => {
    const id = await signUp("Ann@Example.com", { name: "Ann" });
    const body = await signIn("ann@EXAMPLE.com");
    expect(body.token.split(".")).toHaveLength(3);
    expect(body.refreshToken.startsWith(`_pb_users_auth_.${id}.`)).toBe(true);
    expect(body.record).toMatchObject({ id, email: "Ann@Example.com", name: "Ann", collectionName: "users" });
    expect(body.record.password).toBeUndefined();
    expect(body.record.tokenKey).toBeUndefined();
    const me = await authed(body.token, `/api/collections/users/records/${id}`);
    expect(me.status).toBe(200);
    expect(((await me.json()) as Json).id).toBe(id);
  });

  it("answers unknown identities exactly like wrong passwords", async () => {
    await signUp("bob@example.com");
    const wrong = await apiJson(
      "POST",
      "/api/collections/users/auth-with-password",
      { identity: "bob@example.com", password: "wrong password" },
      { "cf-connecting-ip": freshIp() },
    );
    const unknown = await apiJson(
      "POST",
      "/api/collections/users/auth-with-password",
      { identity: "nobody@example.com", password: "wrong password" },
      { "cf-connecting-ip": freshIp() },
    );
    expect(wrong.status).toBe(400);
    expect(unknown.status).toBe(400);
    expect(await wrong.json()).toEqual(await unknown.json());
  });

  it("refuses bad input with a 400, never a 500", async () => {
    for (const body of [{}, { identity: 1, password: "x" }, { identity: "a", password: "x".repeat(5000) }]) {
      const res = await apiJson("POST", "/api/collections/users/auth-with-password", body, {
        "cf-connecting-ip": freshIp(),
      });
      expect(res.status).toBe(400);
    }
    const base = await apiJson("POST", "/api/collections/nope/auth-with-password", {
      identity: "a@b.c",
      password: PASSWORD,
    });
    expect(base.status).toBe(404);
  });

  it("throttles per account and client IP with 429 and Retry-After", async () => {
    await signUp("carol@example.com");
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    const ip = freshIp();
    for (let i = 0; i < 12; i++) {
      const res = await apiJson(
        "POST",
        "/api/collections/users/auth-with-password",
        { identity: "carol@example.com", password: "wrong password" },
        { "cf-connecting-ip": ip },
      );
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers.get("retry-after");
    }
    expect(statuses.slice(0, 10).every((s) => s === 400)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });

  it("throttles per IP across accounts", async () => {
    const ip = freshIp();
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) {
      const res = await apiJson(
        "POST",
        "/api/collections/users/auth-with-password",
        { identity: `spray${i}@example.com`, password: "wrong password" },
        { "cf-connecting-ip": ip },
      );
      statuses.push(res.status);
    }
    expect(statuses.filter((s) => s === 400)).toHaveLength(30);
    expect(statuses[30]).toBe(429);
  });

  it("upgrades a hash made with older parameters on sign-in", async () => {
    const id = await signUp("old@example.com");
    const salt = new Uint8Array(16).fill(7);
    const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(PASSWORD), "PBKDF2", false, [
      "deriveBits",
    ]);
    const bits = await crypto.subtle.deriveBits(
      { name: "PBKDF2", hash: "SHA-256", salt, iterations: 1000 },
      key,
      256,
    );
    const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
    const old = `pbkdf2_sha256$1000$${b64(salt)}$${b64(new Uint8Array(bits))}`;
    await env.DB.prepare("UPDATE users SET password = ? WHERE id = ?").bind(old, id).run();
    expect((await signIn("old@example.com")).record.id).toBe(id);
    const row = await env.DB.prepare("SELECT password FROM users WHERE id = ?")
      .bind(id)
      .first<{ password: string }>();
    expect(row?.password.startsWith("pbkdf2_sha256$100000$")).toBe(true);
    expect((await signIn("old@example.com")).record.id).toBe(id);
  });

  it("signs superusers in through _superusers", async () => {
    await createSuperuser("root@example.com");
    const body = await signIn("root@example.com", "_superusers");
    expect(body.record.collectionName).toBe("_superusers");
    const collections = await authed(body.token, "/api/collections");
    expect(collections.status).toBe(200);
  });
});

describe("auth-methods", () => {
  it("lists password auth with its identity fields", async () => {
    const res = await api("/api/collections/users/auth-methods");
    expect(res.status).toBe(200);
    const body = (await res.json()) as Json;
    expect(body.password).toEqual({ enabled: true, identityFields: ["email"] });
    expect(body.otp.enabled).toBe(false);
  });
});

describe("auth-refresh (PocketBase style)", () => {
  it("renews the token of the same session and returns the record", async () => {
    const id = await signUp("dan@example.com");
    const { token } = await signIn("dan@example.com");
    const res = await authed(token, "/api/collections/users/auth-refresh", { method: "POST" });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Json;
    expect(body.record.id).toBe(id);
    expect(typeof body.token).toBe("string");
    expect(body.refreshToken).toBeUndefined();
    const list = (await (await authed(body.token, "/api/sessions")).json()) as Json;
    expect(list.items).toHaveLength(1);
    expect(list.items[0].current).toBe(true);
  });

  it("needs a valid token of the collection", async () => {
    const res = await apiJson("POST", "/api/collections/users/auth-refresh", {});
    expect(res.status).toBe(401);
  });
});
