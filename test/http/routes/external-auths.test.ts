/** `_externalAuths` through the records API: owner-only reads and unlinks, no client writes, last-sign-in rule. */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { apiJson } from "../../helpers/request";
import { authed, type Json, signIn, signUp } from "./auth-helpers";

const USERS = "_pb_users_auth_";
let n = 0;

async function link(recordRef: string, provider: string, providerId = `p${++n}`): Promise<string> {
  const id = `ea${String(++n).padStart(13, "0")}`;
  await env.DB.prepare(
    "INSERT INTO _externalAuths (id, collectionRef, recordRef, provider, providerId, created, updated) VALUES (?, ?, ?, ?, ?, '', '')",
  )
    .bind(id, USERS, recordRef, provider, providerId)
    .run();
  return id;
}

async function linksOf(recordRef: string): Promise<string[]> {
  const { results } = await env.DB.prepare(
    "SELECT provider FROM _externalAuths WHERE recordRef = ? ORDER BY provider",
  )
    .bind(recordRef)
    .all<{ provider: string }>();
  return results.map((r) => r.provider);
}

describe("_externalAuths through the records API", () => {
  it("lets the owner list and view only their own links", async () => {
    const alice = await signUp("ea-alice@example.com");
    const bob = await signUp("ea-bob@example.com");
    const a1 = await link(alice, "google");
    await link(alice, "github");
    const b1 = await link(bob, "google");
    const { token } = await signIn("ea-alice@example.com");

    const list = await authed(token, "/api/collections/_externalAuths/records?sort=provider");
    expect(list.status).toBe(200);
    const body = (await list.json()) as Json;
    expect(body.items.map((i: Json) => [i.provider, i.recordRef, i.collectionRef])).toEqual([
      ["github", alice, USERS],
      ["google", alice, USERS],
    ]);
    expect((await authed(token, `/api/collections/_externalAuths/records/${a1}`)).status).toBe(200);
    expect((await authed(token, `/api/collections/_externalAuths/records/${b1}`)).status).toBe(404);
    const guest = await apiJson("GET", "/api/collections/_externalAuths/records", undefined);
    expect(((await guest.json()) as Json).items).toEqual([]);
  });

  it("refuses creating or editing links through the API", async () => {
    const carol = await signUp("ea-carol@example.com");
    const id = await link(carol, "google");
    const { token } = await signIn("ea-carol@example.com");
    const create = await authed(token, "/api/collections/_externalAuths/records", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ collectionRef: USERS, recordRef: carol, provider: "gitlab", providerId: "x" }),
    });
    expect(create.status).toBe(403);
    expect(await create.json()).toMatchObject({ status: 403, data: {} });
    const update = await authed(token, `/api/collections/_externalAuths/records/${id}`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ providerId: "taken-over" }),
    });
    expect(update.status).toBe(403);
    expect(await linksOf(carol)).toEqual(["google"]);
  });

  it("unlinks for the owner only", async () => {
    const dave = await signUp("ea-dave@example.com");
    await signUp("ea-erin@example.com");
    const id = await link(dave, "google");
    const erin = await signIn("ea-erin@example.com");
    const denied = await authed(erin.token, `/api/collections/_externalAuths/records/${id}`, {
      method: "DELETE",
    });
    expect(denied.status).toBe(404);
    const { token } = await signIn("ea-dave@example.com");
    const ok = await authed(token, `/api/collections/_externalAuths/records/${id}`, { method: "DELETE" });
    expect(ok.status).toBe(204);
    expect(await linksOf(dave)).toEqual([]);
  });

  it("refuses unlinking the last way to sign in of an account without a password", async () => {
    const frank = await signUp("ea-frank@example.com");
    const google = await link(frank, "google");
    const github = await link(frank, "github");
    const { token } = await signIn("ea-frank@example.com");
    await env.DB.prepare("UPDATE users SET password = '' WHERE id = ?").bind(frank).run();

    const first = await authed(token, `/api/collections/_externalAuths/records/${google}`, {
      method: "DELETE",
    });
    expect(first.status).toBe(204);
    const last = await authed(token, `/api/collections/_externalAuths/records/${github}`, {
      method: "DELETE",
    });
    expect(last.status).toBe(400);
    const body = (await last.json()) as Json;
    expect(body).toEqual({
      status: 400,
      message:
        "Cannot unlink the only way to sign in of an account without a password: set a password or link another provider first.",
      data: {},
    });
    expect(await linksOf(frank)).toEqual(["github"]);
  });

  it("removes an account's links when the account is deleted", async () => {
    const gina = await signUp("ea-gina@example.com");
    await link(gina, "google");
    await link(gina, "discord");
    const { token } = await signIn("ea-gina@example.com");
    const res = await authed(token, `/api/collections/users/records/${gina}`, { method: "DELETE" });
    expect(res.status).toBe(204);
    expect(await linksOf(gina)).toEqual([]);
  });
});
