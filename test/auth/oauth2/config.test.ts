/** The `oauth2` collection options through the collections API: write-only secrets, validation, round trips. */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { api } from "../../helpers/request";
import { authed, createSuperuser, type Json, signIn, signUp } from "../../http/routes/auth-helpers";

let root: string;

function su(method: string, path: string, body?: unknown): Promise<Response> {
  return authed(root, path, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

const provider = {
  name: "oidc",
  clientId: "client-a",
  clientSecret: "s3cret-value",
  authURL: "https://id.example.com/authorize",
  tokenURL: "https://id.example.com/token",
  userInfoURL: "https://id.example.com/userinfo",
  displayName: "Example ID",
  pkce: true,
  extra: { jwksURL: "https://id.example.com/jwks", issuers: ["https://id.example.com"] },
};

async function storedOptions(name: string): Promise<Json> {
  const row = await env.DB.prepare("SELECT options FROM _collections WHERE name = ?").bind(name).first<{
    options: string;
  }>();
  return JSON.parse(row?.options ?? "{}");
}

beforeAll(async () => {
  await createSuperuser("oauth-root@example.com");
  root = (await signIn("oauth-root@example.com", "_superusers")).token;
});

describe("oauth2 collection options", () => {
  it("stores the client secret but never returns it, and keeps it when a save leaves it out", async () => {
    const created = await su("POST", "/api/collections", {
      name: "members",
      type: "auth",
      fields: [{ name: "nick", type: "text" }],
      oauth2: { enabled: false, mappedFields: { name: "nick" }, providers: [provider] },
    });
    expect(created.status).toBe(200);
    const body = (await created.json()) as Json;
    const { clientSecret: _s, ...shown } = provider;
    expect(body.oauth2).toEqual({
      enabled: false,
      mappedFields: { id: "", name: "nick", username: "", avatarURL: "" },
      providers: [shown],
    });
    expect(JSON.stringify(body)).not.toContain("s3cret-value");
    expect((await storedOptions("members")).oauth2.providers[0].clientSecret).toBe("s3cret-value");

    const listed = await su("GET", "/api/collections?filter=name%3D'members'");
    expect(JSON.stringify(await listed.json())).not.toContain("s3cret-value");

    // The dashboard echoes what it read (no secret): the stored one stays.
    const patched = await su("PATCH", "/api/collections/members", {
      oauth2: { ...body.oauth2, providers: [{ ...shown, clientId: "client-b" }] },
    });
    expect(patched.status).toBe(200);
    const saved = (await storedOptions("members")).oauth2.providers[0];
    expect([saved.clientId, saved.clientSecret]).toEqual(["client-b", "s3cret-value"]);

    const rotated = await su("PATCH", "/api/collections/members", {
      oauth2: { ...body.oauth2, providers: [{ ...shown, clientSecret: "new-secret" }] },
    });
    expect(rotated.status).toBe(200);
    expect((await storedOptions("members")).oauth2.providers[0].clientSecret).toBe("new-secret");
  });

  it("round-trips through export and import without losing the secret", async () => {
    await su("POST", "/api/collections", {
      name: "crew",
      type: "auth",
      oauth2: { enabled: false, providers: [{ ...provider, clientSecret: "crew-secret" }] },
    });
    const exported = (await (await su("GET", "/api/collections?perPage=500")).json()) as Json;
    const imported = await su("PUT", "/api/collections/import", { collections: exported.items });
    expect(imported.status).toBe(204);
    const crew = (await storedOptions("crew")).oauth2;
    expect(crew.providers[0]).toMatchObject({ name: "oidc", clientSecret: "crew-secret" });
    expect(crew.enabled).toBe(false);
  });

  it.each([
    [
      { providers: [{ ...provider, name: "myspace" }] },
      "oauth2.providers.0.name",
      "validation_missing_provider",
    ],
    [{ providers: [provider, provider] }, "oauth2.providers.1.name", "validation_duplicated_provider"],
    [{ providers: [{ ...provider, clientId: "" }] }, "oauth2.providers.0.clientId", "validation_required"],
    [
      { providers: [{ ...provider, clientSecret: "" }] },
      "oauth2.providers.0.clientSecret",
      "validation_required",
    ],
    [
      { providers: [{ ...provider, tokenURL: "javascript:alert(1)" }] },
      "oauth2.providers.0.tokenURL",
      "validation_invalid_url",
    ],
    [{ providers: [{ ...provider, authURL: "" }] }, "oauth2.providers.0.authURL", "validation_required"],
    [{ mappedFields: { name: "nope" } }, "oauth2.mappedFields.name", "validation_invalid_value"],
    [
      { providers: [{ ...provider, extra: { big: "x".repeat(20_000) } }] },
      "oauth2.providers.0.extra",
      "validation_invalid_value",
    ],
    [
      { providers: Array.from({ length: 31 }, () => provider) },
      "oauth2.providers",
      "validation_invalid_value",
    ],
  ])("refuses %j with a 400 at the field's path", async (oauth2, path, code) => {
    const res = await su("POST", "/api/collections", { name: "refused", type: "auth", oauth2 });
    expect(res.status).toBe(400);
    const body = (await res.json()) as Json;
    expect(body.data[path]?.code ?? body.data).toBe(code);
    expect(JSON.stringify(body)).not.toContain("s3cret-value");
  });
});

describe("GET /api/collections/meta/oauth2-providers", () => {
  it("lists the supported providers with their defaults for superusers", async () => {
    const res = await su("GET", "/api/collections/meta/oauth2-providers");
    expect(res.status).toBe(200);
    const list = (await res.json()) as Json[];
    expect(list.map((p) => p.name)).toEqual([
      "apple",
      "bitbucket",
      "discord",
      "facebook",
      "github",
      "gitlab",
      "google",
      "linkedin",
      "microsoft",
      "oidc",
      "oidc2",
      "oidc3",
      "spotify",
      "twitch",
      "twitter",
    ]);
    expect(list.find((p) => p.name === "oidc")).toEqual({
      name: "oidc",
      displayName: "OIDC",
      authURL: "",
      tokenURL: "",
      userInfoURL: "",
      pkce: true,
      scopes: ["openid", "profile", "email"],
    });
    expect(list.find((p) => p.name === "github")).toEqual({
      name: "github",
      displayName: "GitHub",
      authURL: "https://github.com/login/oauth/authorize",
      tokenURL: "https://github.com/login/oauth/access_token",
      userInfoURL: "https://api.github.com/user",
      pkce: true,
      scopes: ["read:user", "user:email"],
    });
    expect(list.find((p) => p.name === "bitbucket")?.pkce).toBe(false);
    for (const p of list) {
      if (!p.name.startsWith("oidc")) expect(p.authURL, p.name).toMatch(/^https:\/\//);
    }
  });

  it("accepts a named provider without URLs: sign-in uses its defaults", async () => {
    const res = await su("POST", "/api/collections", {
      name: "hubbers",
      type: "auth",
      oauth2: {
        enabled: true,
        providers: [{ name: "github", clientId: "gh-id", clientSecret: "gh-secret" }],
      },
    });
    expect(res.status, await res.text()).toBe(200);
    const methods = (await (await api("/api/collections/hubbers/auth-methods")).json()) as Json;
    const github = methods.oauth2.providers[0];
    expect(github).toMatchObject({ name: "github", displayName: "GitHub", codeChallengeMethod: "S256" });
    const url = new URL(github.authURL);
    expect(url.origin + url.pathname).toBe("https://github.com/login/oauth/authorize");
    expect(url.searchParams.get("scope")).toBe("read:user user:email");
    expect(url.searchParams.get("client_id")).toBe("gh-id");
  });

  it("refuses everybody else", async () => {
    await signUp("oauth-meta@example.com");
    const user = await signIn("oauth-meta@example.com");
    const res = await authed(user.token, "/api/collections/meta/oauth2-providers");
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ status: 403, data: {} });
  });
});
