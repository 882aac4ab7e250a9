/** `auth-with-oauth2` against a real local OIDC provider (test/global-setup/oidc.ts), through the Worker. */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, inject, it } from "vitest";
import type { TestUser } from "../../global-setup/oidc";
import { api, apiJson } from "../../helpers/request";
import { authed, createSuperuser, freshIp, type Json, signIn } from "../../http/routes/auth-helpers";
import { authorize, count, providerConfig, REDIRECT, signInWith } from "./helpers";

const { issuer } = inject("oidc");
let root: string;
let n = 0;

async function authCollection(
  name: string,
  provider: Record<string, unknown>,
  extra: Record<string, unknown> = {},
) {
  const res = await authed(root, "/api/collections", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      name,
      type: "auth",
      createRule: "",
      fields: [
        { name: "nick", type: "text" },
        { name: "handle", type: "text" },
      ],
      oauth2: { enabled: true, mappedFields: { name: "nick", username: "handle" }, providers: [provider] },
      ...extra,
    }),
  });
  if (res.status !== 200) throw new Error(`collection ${res.status}: ${await res.text()}`);
}

async function oauthSignIn(user: TestUser, extra: Record<string, unknown> = {}, collection = "players") {
  const { code, codeVerifier } = await authorize(user, collection);
  return signInWith(collection, { provider: "oidc", code, codeVerifier, redirectURL: REDIRECT, ...extra });
}

function person(extra: Partial<TestUser> = {}): TestUser {
  n += 1;
  return {
    sub: `sub-${n}`,
    email: `person${n}@example.com`,
    email_verified: true,
    name: `Person ${n}`,
    preferred_username: `person${n}`,
    ...extra,
  };
}

beforeAll(async () => {
  await createSuperuser("oauth-signin-root@example.com");
  root = (await signIn("oauth-signin-root@example.com", "_superusers")).token;
  await authCollection("players", providerConfig());
  await authCollection("pkceless", providerConfig({ pkce: false }));
  await authCollection("offline", providerConfig({ tokenURL: "http://127.0.0.1:9/token" }));
  await authCollection("gated", providerConfig(), { authRule: "verified = false" });
});

describe("auth-methods", () => {
  it("lists the provider with a state, PKCE pair and an authorization URL ending in redirect_uri=", async () => {
    const { provider } = await authorize(person(), "players");
    expect(provider).toMatchObject({ name: "oidc", displayName: "Local ID", codeChallengeMethod: "S256" });
    expect(provider.state).toMatch(/^[\w-]{32}$/);
    expect(provider.codeVerifier).toMatch(/^[\w-]{43}$/);
    const url = new URL(provider.authURL);
    expect(provider.authURL.endsWith("&redirect_uri=")).toBe(true);
    expect(url.searchParams.get("client_id")).toBe("edgebase-test");
    expect(url.searchParams.get("code_challenge")).toBe(provider.codeChallenge);
    expect(JSON.stringify(provider)).not.toContain("client-secret-value");
    const off = (await (await api("/api/collections/pkceless/auth-methods")).json()) as Json;
    expect(off.oauth2.providers[0]).toMatchObject({ codeChallenge: "", codeChallengeMethod: "" });
  });
});

describe("auth-with-oauth2", () => {
  it("creates a new, verified, passwordless user with mapped fields and links it", async () => {
    const user = person();
    const res = await oauthSignIn(user);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Json;
    expect(body.record).toMatchObject({
      email: user.email,
      verified: true,
      nick: user.name,
      handle: user.preferred_username,
    });
    expect(body.meta).toMatchObject({ id: user.sub, name: user.name, email: user.email, isNew: true });
    expect(body.meta.rawUser.sub).toBe(user.sub);
    expect(typeof body.token).toBe("string");
    expect(typeof body.refreshToken).toBe("string");
    const row = await env.DB.prepare("SELECT password FROM players WHERE id = ?")
      .bind(body.record.id)
      .first<{ password: string }>();
    expect(row?.password).toBe("");
    expect(
      await count(
        "_externalAuths",
        "recordRef = ? AND provider = 'oidc' AND providerId = ?",
        body.record.id,
        user.sub,
      ),
    ).toBe(1);
  });

  it("signs a returning user into the same record", async () => {
    const user = person();
    const first = (await (await oauthSignIn(user)).json()) as Json;
    const again = await oauthSignIn(user);
    expect(again.status).toBe(200);
    const body = (await again.json()) as Json;
    expect([body.record.id, body.meta.isNew]).toEqual([first.record.id, false]);
  });

  it("lets createData set fields before the mapped ones", async () => {
    const res = await oauthSignIn(person(), { createData: { nick: "Chosen" } });
    expect(((await res.json()) as Json).record.nick).toBe("Chosen");
  });

  it("links a verified account with the same verified email", async () => {
    const user = person();
    const created = await apiJson("POST", "/api/collections/players/records", {
      email: user.email,
      password: "correct horse battery",
      passwordConfirm: "correct horse battery",
    });
    const existing = ((await created.json()) as Json).id;
    await env.DB.prepare("UPDATE players SET verified = 1 WHERE id = ?").bind(existing).run();
    const res = await oauthSignIn(user);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Json;
    expect([body.record.id, body.meta.isNew]).toEqual([existing, false]);
    expect(await count("_externalAuths", "recordRef = ?", existing)).toBe(1);
  });

  it("never takes over an unverified account with the same email", async () => {
    const user = person();
    const created = await apiJson("POST", "/api/collections/players/records", {
      email: user.email,
      password: "correct horse battery",
      passwordConfirm: "correct horse battery",
    });
    const existing = ((await created.json()) as Json).id;
    const before = await count("players");
    const res = await oauthSignIn(user);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      status: 400,
      message:
        "An unverified account with this email already exists: verify it or sign in to it first, then link the provider.",
      data: {},
    });
    expect(await count("_externalAuths", "recordRef = ?", existing)).toBe(0);
    expect(await count("players")).toBe(before);
  });

  it("does not link by an email the provider does not assert as verified", async () => {
    const user = person({ email_verified: false });
    const created = await apiJson("POST", "/api/collections/players/records", {
      email: user.email,
      password: "correct horse battery",
      passwordConfirm: "correct horse battery",
    });
    const existing = ((await created.json()) as Json).id;
    await env.DB.prepare("UPDATE players SET verified = 1 WHERE id = ?").bind(existing).run();
    const res = await oauthSignIn(user);
    const body = (await res.json()) as Json;
    expect(body.record?.id).not.toBe(existing);
    expect(await count("_externalAuths", "recordRef = ?", existing)).toBe(0);
  });

  it("works without PKCE when the provider is configured so", async () => {
    const res = await oauthSignIn(person(), { codeVerifier: "" }, "pkceless");
    expect(res.status).toBe(200);
  });

  it("refuses a wrong PKCE verifier", async () => {
    const { code } = await authorize(person(), "players");
    const res = await signInWith("players", {
      provider: "oidc",
      code,
      codeVerifier: "x".repeat(43),
      redirectURL: REDIRECT,
    });
    expect(res.status).toBe(400);
  });

  it("applies the authRule, and keeps the new record and its link as PocketBase does", async () => {
    const user = person();
    const before = await count("gated");
    const res = await oauthSignIn(user, {}, "gated");
    expect(res.status).toBe(403);
    const body = (await res.json()) as Json;
    expect(body.token).toBeUndefined();
    // PocketBase commits the created record before its auth response checks the authRule.
    expect(await count("gated")).toBe(before + 1);
    expect(await count("_externalAuths", "providerId = ?", user.sub)).toBe(1);
    expect(await count("gated", "email = ?", user.email)).toBe(1);
  });

  it("deleting the auth collection removes its links", async () => {
    await authCollection("doomed", providerConfig());
    const user = person();
    expect((await oauthSignIn(user, {}, "doomed")).status).toBe(200);
    const id = ((await (await authed(root, "/api/collections/doomed")).json()) as Json).id;
    expect(await count("_externalAuths", "collectionRef = ?", id)).toBe(1);
    const before = await count("_externalAuths");
    expect((await authed(root, "/api/collections/doomed", { method: "DELETE" })).status).toBe(204);
    expect(await count("_externalAuths", "collectionRef = ?", id)).toBe(0);
    expect(await count("_externalAuths")).toBe(before - 1);
  });

  it("lists the sign-in's session with its method and provider", async () => {
    const body = (await (await oauthSignIn(person())).json()) as Json;
    const res = await authed(body.token, "/api/sessions");
    expect(res.status).toBe(200);
    const sessions = ((await res.json()) as Json).items as Json[];
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ method: "oauth2", provider: "oidc", current: true });
  });

  it.each([
    ["a bad code", async () => ({ code: "never-issued", codeVerifier: "v".repeat(43) })],
    [
      "a replayed code",
      async () => {
        const { code, codeVerifier } = await authorize(person(), "players");
        const ok = await signInWith("players", {
          provider: "oidc",
          code,
          codeVerifier,
          redirectURL: REDIRECT,
        });
        expect(ok.status).toBe(200);
        return { code, codeVerifier };
      },
    ],
  ])("answers %s with a generic 400 and creates nothing", async (_name, prepare) => {
    const { code, codeVerifier } = await prepare();
    const before = await count("players");
    const res = await signInWith("players", { provider: "oidc", code, codeVerifier, redirectURL: REDIRECT });
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({
      status: 400,
      message: "Failed to authenticate with the OAuth2 provider.",
      data: {},
    });
    expect(text).not.toMatch(/invalid_grant|client-secret-value|127\.0\.0\.1/);
    expect(await count("players")).toBe(before);
  });

  it("counts attempts per client IP: the 31st in a minute is a 429, other IPs are unaffected", async () => {
    const ip = "198.51.100.77";
    const attempt = (from: string) =>
      apiJson(
        "POST",
        "/api/collections/players/auth-with-oauth2",
        { provider: "oidc", code: "never-issued", codeVerifier: "v".repeat(43), redirectURL: REDIRECT },
        { "cf-connecting-ip": from },
      );
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) statuses.push((await attempt(ip)).status);
    expect(statuses.slice(0, 30).every((s) => s === 400)).toBe(true);
    expect(statuses[30]).toBe(429);
    const blocked = await attempt(ip);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await attempt("198.51.100.78")).status).toBe(400);
  });

  it("answers a provider that is down with the same 400", async () => {
    const res = await oauthSignIn(person(), {}, "offline");
    expect(res.status).toBe(400);
    expect(((await res.json()) as Json).message).toBe("Failed to authenticate with the OAuth2 provider.");
  });

  it.each(["iss", "aud", "exp", "none", "kid"] as const)(
    "refuses an ID token with a tampered %s",
    async (tamper) => {
      const user = person({ tamper });
      const res = await oauthSignIn(user);
      expect(res.status).toBe(400);
      expect(((await res.json()) as Json).message).toBe("Failed to authenticate with the OAuth2 provider.");
      expect(await count("_externalAuths", "providerId = ?", user.sub)).toBe(0);
    },
  );

  it.each([
    ["an empty body", {}, ["code", "provider", "redirectURL"]],
    [
      "a redirectURL that is no URL",
      { provider: "oidc", code: "c", redirectURL: "not a url" },
      ["redirectURL"],
    ],
    ["a 5000-character code", { provider: "oidc", code: "c".repeat(5000), redirectURL: REDIRECT }, ["code"]],
    ["a provider not configured", { provider: "gitlab", code: "c", redirectURL: REDIRECT }, ["provider"]],
  ])("refuses %s with a 400 naming the fields", async (_name, body, fields) => {
    const res = await signInWith("players", body);
    expect(res.status).toBe(400);
    expect(Object.keys(((await res.json()) as Json).data).sort()).toEqual(fields);
  });

  it("is forbidden where OAuth2 is off", async () => {
    const res = await signInWith("users", { provider: "oidc", code: "c", redirectURL: REDIRECT });
    expect(res.status).toBe(403);
  });

  it("refuses to unlink the only sign-in of the passwordless account it created", async () => {
    const body = (await (await oauthSignIn(person())).json()) as Json;
    const list = (await (await authed(body.token, "/api/collections/_externalAuths/records")).json()) as Json;
    expect(list.items).toHaveLength(1);
    const res = await authed(body.token, `/api/collections/_externalAuths/records/${list.items[0].id}`, {
      method: "DELETE",
    });
    expect(res.status).toBe(400);
  });
});

describe("MFA with OAuth2", () => {
  const PASSWORD = "mfa-oauth2-password";
  let user: TestUser;
  let recordId: string;

  beforeAll(async () => {
    await authCollection("mfaplayers", providerConfig(), { mfa: { enabled: true, duration: 600 } });
    user = person();
    const created = await apiJson("POST", "/api/collections/mfaplayers/records", {
      email: user.email,
      password: PASSWORD,
      passwordConfirm: PASSWORD,
    });
    expect(created.status).toBe(200);
    recordId = ((await created.json()) as Json).id;
    // Verified on both sides, so the provider's account links to this one.
    await env.DB.prepare("UPDATE mfaplayers SET verified = 1 WHERE id = ?").bind(recordId).run();
  });

  const withPassword = (mfaId?: string) =>
    apiJson(
      "POST",
      "/api/collections/mfaplayers/auth-with-password",
      { identity: user.email, password: PASSWORD, ...(mfaId ? { mfaId } : {}) },
      { "cf-connecting-ip": freshIp() },
    );

  async function mfaIdOf(res: Response): Promise<string> {
    expect(res.status).toBe(401);
    const body = (await res.json()) as Json;
    expect(body.token).toBeUndefined();
    return body.mfaId;
  }

  it("OAuth2 first answers 401 with mfaId; the password then signs in", async () => {
    const mfaId = await mfaIdOf(await oauthSignIn(user, {}, "mfaplayers"));
    const res = await withPassword(mfaId);
    expect(res.status).toBe(200);
    expect(((await res.json()) as Json).record.id).toBe(recordId);
  });

  it("the password first; OAuth2 with the mfaId (body or query) then signs in", async () => {
    const inBody = await oauthSignIn(user, { mfaId: await mfaIdOf(await withPassword()) }, "mfaplayers");
    expect(inBody.status).toBe(200);
    expect(((await inBody.json()) as Json).record.id).toBe(recordId);
    const mfaId = await mfaIdOf(await withPassword());
    const { code, codeVerifier } = await authorize(user, "mfaplayers");
    const inQuery = await apiJson(
      "POST",
      `/api/collections/mfaplayers/auth-with-oauth2?mfaId=${mfaId}`,
      { provider: "oidc", code, codeVerifier, redirectURL: REDIRECT },
      { "cf-connecting-ip": freshIp() },
    );
    expect(inQuery.status).toBe(200);
  });

  it("refuses OAuth2 as its own second factor", async () => {
    const mfaId = await mfaIdOf(await oauthSignIn(user, {}, "mfaplayers"));
    const again = await oauthSignIn(user, { mfaId }, "mfaplayers");
    expect(again.status).toBe(400);
    expect((await withPassword(mfaId)).status).toBe(200);
  });
});

describe("avatar download into a file field", () => {
  beforeAll(async () => {
    const res = await authed(root, "/api/collections", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        name: "pictured",
        type: "auth",
        createRule: "",
        fields: [{ name: "avatar", type: "file", maxSelect: 1, maxSize: 1_000_000, mimeTypes: [] }],
        oauth2: { enabled: true, mappedFields: { avatarURL: "avatar" }, providers: [providerConfig()] },
      }),
    });
    expect(res.status, await res.text()).toBe(200);
  });

  it("stores the provider's picture in the avatar field, served back as the same PNG", async () => {
    const res = await oauthSignIn(person({ picture: `${issuer}/avatar/ok.png` }), {}, "pictured");
    expect(res.status).toBe(200);
    const body = (await res.json()) as Json;
    expect(body.record.avatar).toMatch(/^avatar_\w+\.png$/);
    const file = await authed(root, `/api/files/pictured/${body.record.id}/${body.record.avatar}`);
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toBe("image/png");
    const bytes = new Uint8Array(await file.arrayBuffer());
    expect([...bytes.slice(1, 4)]).toEqual([0x50, 0x4e, 0x47]);
  });

  it.each([
    ["an oversize image", "big.png"],
    ["a page posing as an image", "page.png"],
    ["a missing image", "missing.png"],
    ["a host that is down", "http://127.0.0.1:9/a.png"],
  ])("signs in without an avatar for %s", async (_name, path) => {
    const picture = path.startsWith("http") ? path : `${issuer}/avatar/${path}`;
    const res = await oauthSignIn(person({ picture }), {}, "pictured");
    expect(res.status).toBe(200);
    const body = (await res.json()) as Json;
    expect(body.meta.avatarURL).toBe(picture);
    expect(body.record.avatar).toBe("");
  });
});
