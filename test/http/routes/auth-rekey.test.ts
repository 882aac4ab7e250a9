/** Re-keying ends sessions (issue 13, finding 4): refresh tokens die with the keys their session was made under. */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { CollectionStore, rotateTokenSecret } from "../../../src/collections";
import { SCHEMA_CHECK_INTERVAL_MS } from "../../../src/collections/store";
import { apiJson } from "../../helpers/request";
import { authed, createSuperuser, type Json, PASSWORD, signIn } from "./auth-helpers";

function refresh(collection: string, refreshToken: string): Promise<Response> {
  return apiJson("POST", `/api/collections/${collection}/auth-refresh`, { refreshToken });
}

describe("re-keying ends every session", () => {
  it("a superuser password set like `npm run superuser` does (raw SQL) voids older refresh tokens", async () => {
    await createSuperuser("root@example.com");
    const before = await signIn("root@example.com", "_superusers");
    // What scripts/superuser.mjs runs through `wrangler d1 execute`: a new hash and a new tokenKey.
    await env.DB.prepare("UPDATE _superusers SET tokenKey = ? WHERE lower(email) = lower(?)")
      .bind("rekeyed-by-the-cli-0123456789abcdefghijklmnopqrstuvwx", "root@example.com")
      .run();
    const res = await refresh("_superusers", before.refreshToken);
    expect(res.status).toBe(401);
    // The next sign-in works and its refresh token does.
    const after = await signIn("root@example.com", "_superusers");
    expect((await refresh("_superusers", after.refreshToken)).status).toBe(200);
  });

  it("rotateTokenSecret voids older refresh tokens and drops their sessions from the list", async () => {
    await createSuperuser("admin@example.com");
    const su = await signIn("admin@example.com", "_superusers");
    const created = await authed(su.token, "/api/collections", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "members", type: "auth", createRule: "" }),
    });
    expect(created.status).toBe(200);
    const signUp = await apiJson("POST", "/api/collections/members/records", {
      email: "m@example.com",
      password: PASSWORD,
      passwordConfirm: PASSWORD,
    });
    expect(signUp.status).toBe(200);
    const old = await signIn("m@example.com", "members");

    await rotateTokenSecret({ db: env.DB, store: new CollectionStore() }, "members");
    // Other isolates' stores (the Worker's included) see a schema change within this bound.
    await new Promise((resolve) => setTimeout(resolve, SCHEMA_CHECK_INTERVAL_MS + 200));

    expect((await refresh("members", old.refreshToken)).status).toBe(401);
    const fresh = await signIn("m@example.com", "members");
    const list = await authed(fresh.token, "/api/sessions");
    expect(list.status).toBe(200);
    const items = ((await list.json()) as Json).items;
    expect(items).toHaveLength(1);
    expect(items[0].current).toBe(true);
  });
});
