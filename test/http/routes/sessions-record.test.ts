/** A superuser's view of an auth record's sessions: list, revoke (tokens stop working), guards, hostile input. */
import { describe, expect, it } from "vitest";
import { apiJson } from "../../helpers/request";
import { authed, createSuperuser, type Json, signIn, signUp } from "./auth-helpers";

function refresh(refreshToken: string): Promise<Response> {
  return apiJson("POST", "/api/collections/users/auth-refresh", { refreshToken });
}

const sidOf = (token: string) =>
  JSON.parse(atob((token.split(".")[1] ?? "").replaceAll("-", "+").replaceAll("_", "/"))).sid as string;

const base = (id: string, collection = "users") => `/api/collections/${collection}/records/${id}/sessions`;

async function superuser(): Promise<string> {
  const email = `root-${crypto.randomUUID().slice(0, 8)}@example.com`;
  await createSuperuser(email);
  return (await signIn(email, "_superusers")).token;
}

async function expectError(res: Response, status: number): Promise<Json> {
  expect(res.status).toBe(status);
  const body = (await res.json()) as Json;
  expect(body).toMatchObject({ status, message: expect.any(String), data: expect.any(Object) });
  return body;
}

describe("superuser: an auth record's sessions", () => {
  it("lists the record's sessions in the /api/sessions shape, current false, by collection id or name", async () => {
    const su = await superuser();
    const id = await signUp("lia@example.com");
    const a = await signIn("lia@example.com");
    const b = await signIn("lia@example.com");
    const res = await authed(su, base(id));
    expect(res.status).toBe(200);
    const items = ((await res.json()) as Json).items;
    expect(items.map((s: Json) => s.id).sort()).toEqual([sidOf(a.token), sidOf(b.token)].sort());
    const own = ((await (await authed(a.token, "/api/sessions")).json()) as Json).items;
    const mine = own.find((s: Json) => s.id === sidOf(b.token));
    const theirs = items.find((s: Json) => s.id === sidOf(b.token));
    expect(theirs).toEqual({ ...mine, current: false, lastSeen: theirs.lastSeen });
    expect(Object.keys(theirs).sort()).toEqual(Object.keys(mine).sort());
    expect(theirs).toMatchObject({ method: "password", provider: "", current: false });
    expect(theirs.ip).toMatch(/^203\.0\.113\./);
    const byId = await authed(su, base(id, "_pb_users_auth_"));
    expect(((await byId.json()) as Json).items).toHaveLength(2);
  });

  it("DELETE revokes exactly as the owner's revoke: gone from both lists, access and refresh tokens refused", async () => {
    const su = await superuser();
    const id = await signUp("max@example.com");
    const a = await signIn("max@example.com");
    const b = await signIn("max@example.com");
    const del = await authed(su, `${base(id)}/${sidOf(b.token)}`, { method: "DELETE" });
    expect(del.status).toBe(204);
    expect(await del.text()).toBe("");
    const listed = ((await (await authed(su, base(id))).json()) as Json).items;
    expect(listed.map((s: Json) => s.id)).toEqual([sidOf(a.token)]);
    const later = await authed(b.token, "/api/sessions");
    expect(later.status).toBe(401);
    expect(later.headers.get("www-authenticate")).toContain("session has ended");
    expect((await refresh(b.refreshToken)).status).toBe(401);
    // The other session lives on.
    expect((await authed(a.token, "/api/sessions")).status).toBe(200);
    expect((await refresh(a.refreshToken)).status).toBe(200);
    await expectError(await authed(su, `${base(id)}/${sidOf(b.token)}`, { method: "DELETE" }), 404);
  });

  it("401 for guests, 403 for auth records (the owner included), nothing revoked", async () => {
    const id = await signUp("ned@example.com");
    const own = await signIn("ned@example.com");
    await signUp("oda@example.com");
    const other = await signIn("oda@example.com");
    const del = `${base(id)}/${sidOf(own.token)}`;
    await expectError(await apiJson("GET", base(id), undefined), 401);
    await expectError(await apiJson("DELETE", del, {}), 401);
    for (const token of [own.token, other.token]) {
      await expectError(await authed(token, base(id)), 403);
      await expectError(await authed(token, del, { method: "DELETE" }), 403);
    }
    expect((await authed(own.token, "/api/sessions")).status).toBe(200);
  });

  it("404 unknown collection, record or session; 400 a non-auth collection; another record's session untouched", async () => {
    const su = await superuser();
    const created = await authed(su, "/api/collections", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "notes", type: "base", fields: [{ name: "title", type: "text" }] }),
    });
    expect(created.status).toBe(200);
    const pia = await signUp("pia@example.com");
    await signIn("pia@example.com");
    await signUp("quin@example.com");
    const quin = await signIn("quin@example.com");
    const bad = await expectError(await authed(su, base("abc", "notes")), 400);
    expect(bad.message).toContain("not an auth collection");
    await expectError(await authed(su, `${base("abc", "notes")}/abc`, { method: "DELETE" }), 400);
    for (const path of [
      base(pia, "nope"),
      base("unknown000000"),
      base("x".repeat(5000)),
      base(pia, "y".repeat(5000)),
      base("%27%20OR%201%3D1"),
    ]) {
      await expectError(await authed(su, path), 404);
    }
    for (const sid of [sidOf(quin.token), "unknown", "x".repeat(5000), "%27%3B--", "..%2F..%2Fx"]) {
      await expectError(await authed(su, `${base(pia)}/${sid}`, { method: "DELETE" }), 404);
    }
    await expectError(
      await authed(su, `${base("unknown000000")}/${sidOf(quin.token)}`, { method: "DELETE" }),
      404,
    );
    // quin's session (named under pia) was not revoked.
    expect((await authed(quin.token, "/api/sessions")).status).toBe(200);
    expect((await refresh(quin.refreshToken)).status).toBe(200);
  });
});
