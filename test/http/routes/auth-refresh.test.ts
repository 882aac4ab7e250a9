/**
 * PocketBase-style auth-refresh reads the record once (the token middleware's read, on the primary) and skips the
 * authRule query when the rule is empty: what a refresh proves must still hold. The record is as stored now,
 * a re-keying or a password change refuses the old token, logout-all ends it, and a non-empty authRule is applied.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { isAuthRefreshRequest } from "../../../src/http/routes/auth";
import { apiJson } from "../../helpers/request";
import { authed, createSuperuser, type Json, PASSWORD, signIn, signUp } from "./auth-helpers";

function refresh(token: string, collection = "users"): Promise<Response> {
  return authed(token, `/api/collections/${collection}/auth-refresh`, { method: "POST" });
}

describe("auth-refresh (PocketBase style) with one read of the record", () => {
  it("starts its D1 session on the primary only for POST …/auth-refresh", () => {
    expect(isAuthRefreshRequest("POST", "/api/collections/users/auth-refresh")).toBe(true);
    expect(isAuthRefreshRequest("POST", "/api/collections/pbc_123/auth-refresh")).toBe(true);
    expect(isAuthRefreshRequest("GET", "/api/collections/users/auth-refresh")).toBe(false);
    expect(isAuthRefreshRequest("POST", "/api/collections/users/auth-refresh/x")).toBe(false);
    expect(isAuthRefreshRequest("POST", "/api/collections/users/records")).toBe(false);
    expect(isAuthRefreshRequest("POST", "/api/collections/a/b/auth-refresh")).toBe(false);
  });

  it("answers with the record as stored now, and chains", async () => {
    const id = await signUp("ria@example.com", { name: "before" });
    const { token } = await signIn("ria@example.com");
    await env.DB.prepare("UPDATE users SET name = 'after' WHERE id = ?").bind(id).run();
    const first = await refresh(token);
    expect(first.status).toBe(200);
    const body = (await first.json()) as Json;
    expect(body.record).toMatchObject({ id, name: "after" });
    const second = await refresh(body.token);
    expect(second.status).toBe(200);
    expect(((await second.json()) as Json).record.id).toBe(id);
  });

  it("refuses the old token at once after a raw-SQL re-keying (what `npm run superuser` writes)", async () => {
    const id = await signUp("rex@example.com");
    const { token } = await signIn("rex@example.com");
    expect((await refresh(token)).status).toBe(200);
    await env.DB.prepare("UPDATE users SET tokenKey = ? WHERE id = ?")
      .bind("rekeyed-by-raw-sql-0123456789abcdefghijklmnopqrstuvwxyz", id)
      .run();
    expect((await refresh(token)).status).toBe(401);
  });

  it("refuses the old token after a password change and after logout-all", async () => {
    const id = await signUp("ros@example.com");
    const a = await signIn("ros@example.com");
    const changed = await authed(a.token, `/api/collections/users/records/${id}`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        oldPassword: PASSWORD,
        password: "a new password",
        passwordConfirm: "a new password",
      }),
    });
    expect(changed.status).toBe(200);
    expect((await refresh(a.token)).status).toBe(401);

    const b = await signIn("ros@example.com", "users", "a new password");
    const c = await signIn("ros@example.com", "users", "a new password");
    expect((await refresh(b.token)).status).toBe(200);
    expect((await authed(c.token, "/api/sessions/logout-all", { method: "POST" })).status).toBe(204);
    // Same isolate as the revocation: refused at once, not after the 5 s bound.
    expect((await refresh(b.token)).status).toBe(401);
  });

  it("still applies a non-empty authRule (403), and an empty one lets the record through", async () => {
    await createSuperuser("root-refresh@example.com");
    const su = await signIn("root-refresh@example.com", "_superusers");
    const created = await authed(su.token, "/api/collections", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "ruled", type: "auth", createRule: "", authRule: "" }),
    });
    expect(created.status).toBe(200);
    const signUpRes = await apiJson("POST", "/api/collections/ruled/records", {
      email: "rut@example.com",
      password: PASSWORD,
      passwordConfirm: PASSWORD,
    });
    expect(signUpRes.status).toBe(200);
    const user = await signIn("rut@example.com", "ruled");
    expect((await refresh(user.token, "ruled")).status).toBe(200);

    const ruled = await authed(su.token, "/api/collections/ruled", {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ authRule: "verified = true" }),
    });
    expect(ruled.status).toBe(200);
    expect((await refresh(user.token, "ruled")).status).toBe(403);
  });
});
