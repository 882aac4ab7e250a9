/** Sessions through HTTP: list, delete, logout, logout-all, refresh rotation, reuse, eviction, revocation on change. */
import { evictAllDurableObjects, evictDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { userSessionsStub } from "../../../src/auth/session-routing";
import { apiJson } from "../../helpers/request";
import { authed, eventually, type Json, PASSWORD, signIn, signUp } from "./auth-helpers";

const USERS = "_pb_users_auth_";

function refresh(refreshToken: string): Promise<Response> {
  return apiJson("POST", "/api/collections/users/auth-refresh", { refreshToken });
}

async function sessionIds(token: string): Promise<string[]> {
  const res = await authed(token, "/api/sessions");
  expect(res.status).toBe(200);
  return ((await res.json()) as Json).items.map((s: Json) => s.id);
}

const sidOf = (token: string) =>
  JSON.parse(atob((token.split(".")[1] ?? "").replaceAll("-", "+").replaceAll("_", "/"))).sid as string;

describe("sessions list, delete, logout", () => {
  it("lists every sign-in with the current one flagged, ip and user agent", async () => {
    await signUp("ann@example.com");
    const a = await signIn("ann@example.com");
    const b = await signIn("ann@example.com");
    const res = await authed(a.token, "/api/sessions", { headers: { "user-agent": "test-agent" } });
    const items = ((await res.json()) as Json).items;
    expect(items).toHaveLength(2);
    expect(items.find((s: Json) => s.current).id).toBe(sidOf(a.token));
    expect(items.map((s: Json) => s.id).sort()).toEqual([sidOf(a.token), sidOf(b.token)].sort());
    expect(items[0]).toHaveProperty("created");
    expect(items[0]).toHaveProperty("lastSeen");
    expect(items[0].ip).toMatch(/^203\.0\.113\./);
    expect(items[0]).toMatchObject({ method: "password", provider: "" });
  });

  it("DELETE /api/sessions/{id} ends that session: gone from the list, its token refused", async () => {
    await signUp("bob@example.com");
    const a = await signIn("bob@example.com");
    const b = await signIn("bob@example.com");
    expect((await authed(b.token, "/api/sessions")).status).toBe(200);
    const del = await authed(a.token, `/api/sessions/${sidOf(b.token)}`, { method: "DELETE" });
    expect(del.status).toBe(204);
    expect(await sessionIds(a.token)).toEqual([sidOf(a.token)]);
    const later = await authed(b.token, "/api/sessions");
    expect(later.status).toBe(401);
    expect(later.headers.get("www-authenticate")).toContain("session has ended");
    expect((await refresh(b.refreshToken)).status).toBe(401);
    const again = await authed(a.token, `/api/sessions/${sidOf(b.token)}`, { method: "DELETE" });
    expect(again.status).toBe(404);
    const bad = await authed(a.token, `/api/sessions/${"x".repeat(300)}`, { method: "DELETE" });
    expect(bad.status).toBe(404);
  });

  it("a session revoked elsewhere (another isolate: straight on its object) refuses its access token", async () => {
    const id = await signUp("rae@example.com");
    const a = await signIn("rae@example.com");
    expect(await userSessionsStub(env.USER_SESSIONS, USERS, id).revokeSession(sidOf(a.token))).toBe(true);
    expect((await authed(a.token, "/api/sessions")).status).toBe(401);
  });

  it("cannot delete another user's session", async () => {
    await signUp("carol@example.com");
    await signUp("dave@example.com");
    const carol = await signIn("carol@example.com");
    const dave = await signIn("dave@example.com");
    const res = await authed(carol.token, `/api/sessions/${sidOf(dave.token)}`, { method: "DELETE" });
    expect(res.status).toBe(404);
    expect((await authed(dave.token, "/api/sessions")).status).toBe(200);
  });

  it("logout ends the current session only; logout-all ends every one", async () => {
    await signUp("erin@example.com");
    const a = await signIn("erin@example.com");
    const b = await signIn("erin@example.com");
    const c = await signIn("erin@example.com");
    expect((await authed(a.token, "/api/sessions/logout", { method: "POST" })).status).toBe(204);
    expect((await authed(a.token, "/api/sessions")).status).toBe(401);
    expect((await sessionIds(b.token)).sort()).toEqual([sidOf(b.token), sidOf(c.token)].sort());
    expect((await authed(b.token, "/api/sessions/logout-all", { method: "POST" })).status).toBe(204);
    expect((await authed(b.token, "/api/sessions")).status).toBe(401);
    expect((await authed(c.token, "/api/sessions")).status).toBe(401);
    expect((await refresh(c.refreshToken)).status).toBe(401);
    const d = await signIn("erin@example.com");
    expect(await sessionIds(d.token)).toEqual([sidOf(d.token)]);
  });

  it("every sessions route needs a token", async () => {
    for (const [method, path] of [
      ["GET", "/api/sessions"],
      ["POST", "/api/sessions/logout"],
      ["POST", "/api/sessions/logout-all"],
      ["DELETE", "/api/sessions/abc"],
    ] as const) {
      const res = await apiJson(method, path, method === "GET" ? undefined : {});
      expect(res.status, `${method} ${path}`).toBe(401);
    }
  });
});

describe("refresh token rotation", () => {
  it("rotates: each refresh token works once and the next one is returned", async () => {
    const id = await signUp("fay@example.com");
    const first = await signIn("fay@example.com");
    const res = await refresh(first.refreshToken);
    expect(res.status).toBe(200);
    const second = (await res.json()) as Json;
    expect(second.record.id).toBe(id);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(sidOf(second.token)).toBe(sidOf(first.token));
    expect((await authed(second.token, "/api/sessions")).status).toBe(200);
    const third = await refresh(second.refreshToken);
    expect(third.status).toBe(200);
  });

  it("reusing a spent refresh token revokes the whole session", async () => {
    await signUp("gus@example.com");
    const first = await signIn("gus@example.com");
    const second = (await (await refresh(first.refreshToken)).json()) as Json;
    const reuse = await refresh(first.refreshToken);
    expect(reuse.status).toBe(401);
    expect((await refresh(second.refreshToken)).status).toBe(401);
    // The revocation reaches access tokens within the session-check bound; a new sign-in shows no old session.
    const fresh = await signIn("gus@example.com");
    expect(await sessionIds(fresh.token)).toEqual([sidOf(fresh.token)]);
  });

  it("two parallel refreshes with one token leave at most one live refresh token", async () => {
    await signUp("hal@example.com");
    const first = await signIn("hal@example.com");
    const results = await Promise.all([refresh(first.refreshToken), refresh(first.refreshToken)]);
    const ok = results.filter((r) => r.status === 200);
    expect(ok.length).toBeLessThanOrEqual(1);
    expect(results.every((r) => r.status === 200 || r.status === 401)).toBe(true);
    const issued = await Promise.all(ok.map(async (r) => ((await r.json()) as Json).refreshToken as string));
    let live = 0;
    for (const token of [first.refreshToken, ...issued]) if ((await refresh(token)).status === 200) live += 1;
    expect(live).toBeLessThanOrEqual(1);
  });

  it("refuses malformed, foreign and unknown refresh tokens with 401", async () => {
    const id = await signUp("ivy@example.com");
    const { refreshToken } = await signIn("ivy@example.com");
    const opaque = refreshToken.split(".")[2] ?? "";
    for (const bad of [
      "",
      "x",
      `${USERS}.${id}`,
      `${USERS}.${id}.${"A".repeat(43)}`,
      `pbc_3142635823.${id}.${opaque}`,
      `${USERS}.nosuchuser00000.${opaque}`,
      "y".repeat(199),
    ]) {
      const res = await refresh(bad);
      expect(res.status, bad).toBe(401);
    }
    const wrongType = await apiJson("POST", "/api/collections/users/auth-refresh", { refreshToken: 5 });
    expect(wrongType.status).toBe(400);
    expect((await refresh(refreshToken)).status).toBe(200);
  });
});

describe("durability and revocation by record changes", () => {
  it("sessions survive Durable Object eviction", async () => {
    const id = await signUp("jon@example.com");
    const a = await signIn("jon@example.com");
    await evictDurableObject(userSessionsStub(env.USER_SESSIONS, USERS, id));
    await evictAllDurableObjects();
    expect(await sessionIds(a.token)).toEqual([sidOf(a.token)]);
    expect((await refresh(a.refreshToken)).status).toBe(200);
  });

  it("a password change ends every session (refresh tokens too)", async () => {
    const id = await signUp("kim@example.com");
    const a = await signIn("kim@example.com");
    const b = await signIn("kim@example.com");
    const res = await authed(a.token, `/api/collections/users/records/${id}`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        oldPassword: PASSWORD,
        password: "another password",
        passwordConfirm: "another password",
      }),
    });
    expect(res.status).toBe(200);
    expect((await authed(b.token, "/api/sessions")).status).toBe(401);
    expect(await eventually(async () => (await refresh(b.refreshToken)).status === 401)).toBe(true);
    const fresh = await signIn("kim@example.com", "users", "another password");
    expect(await sessionIds(fresh.token)).toEqual([sidOf(fresh.token)]);
  });

  it("deleting a user ends its sessions", async () => {
    const id = await signUp("lea@example.com");
    const a = await signIn("lea@example.com");
    const del = await authed(a.token, `/api/collections/users/records/${id}`, { method: "DELETE" });
    expect(del.status).toBe(204);
    const stub = userSessionsStub(env.USER_SESSIONS, USERS, id);
    expect(await eventually(async () => (await stub.listSessions()).length === 0)).toBe(true);
    expect((await refresh(a.refreshToken)).status).toBe(401);
  });
});
