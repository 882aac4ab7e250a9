/**
 * Named providers against the local provider (test/global-setup/oidc.ts) with their URLs overridden: each
 * family's profile shape (the mock's userinfo answers like that provider) maps to PocketBase's user fields,
 * the client secret travels the way the provider needs, and only a verified email links an account.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, inject, it } from "vitest";
import type { TestUser } from "../../global-setup/oidc";
import { api, apiJson } from "../../helpers/request";
import { authed, createSuperuser, type Json, signIn } from "../../http/routes/auth-helpers";
import { authorize, count, REDIRECT, signInWith } from "./helpers";

const { issuer } = inject("oidc");
let root: string;
let n = 0;

/** A provider configuration pointing every endpoint at the local server. */
function config(name: string, extra: Record<string, unknown> = {}, more: Record<string, unknown> = {}) {
  return {
    name,
    clientId: `${name}-client`,
    clientSecret: "client-secret-value",
    authURL: `${issuer}/authorize`,
    tokenURL: `${issuer}/token`,
    userInfoURL: `${issuer}/userinfo`,
    extra,
    ...more,
  };
}

const OIDC_EXTRA = () => ({ jwksURL: `${issuer}/jwks`, issuers: [issuer] });

beforeAll(async () => {
  await createSuperuser("oauth-providers-root@example.com");
  root = (await signIn("oauth-providers-root@example.com", "_superusers")).token;
  const providers = [
    config("github"),
    config("gitlab"),
    config("google"),
    config("microsoft"),
    config("discord"),
    config("facebook"),
    config("twitter"),
    config("twitch"),
    config("spotify"),
    config("bitbucket"),
    config("apple", OIDC_EXTRA(), { userInfoURL: "" }),
    config("linkedin", OIDC_EXTRA()),
  ];
  const res = await authed(root, "/api/collections", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      name: "fans",
      type: "auth",
      createRule: "",
      fields: [{ name: "nick", type: "text" }],
      oauth2: { enabled: true, mappedFields: { name: "nick" }, providers },
    }),
  });
  expect(res.status, await res.text()).toBe(200);
});

/** A user whose provider-side identity is `profile` (the userinfo answer) and, optionally, emails. */
function user(extra: Partial<TestUser>): TestUser {
  n += 1;
  return { sub: `oidc-sub-${n}`, ...extra };
}

async function signInAs(provider: string, who: TestUser, createData?: Record<string, unknown>) {
  const { code, codeVerifier } = await authorize(who, "fans", provider);
  return signInWith("fans", { provider, code, codeVerifier, redirectURL: REDIRECT, createData });
}

type Expected = { id: string; name: string; username: string; email: string; avatarURL: string };

const CASES: [provider: string, who: () => TestUser, expected: Expected][] = [
  [
    "github",
    () =>
      user({
        clientAuth: "basic",
        profile: {
          id: 583231,
          login: "octocat",
          name: "The Octocat",
          avatar_url: "https://gh.example/o.png",
        },
        emails: [
          { email: "old@example.com", verified: true, primary: false },
          { email: "octocat@example.com", verified: true, primary: true },
        ],
      }),
    {
      id: "583231",
      name: "The Octocat",
      username: "octocat",
      email: "octocat@example.com",
      avatarURL: "https://gh.example/o.png",
    },
  ],
  [
    "gitlab",
    () =>
      user({
        profile: {
          id: 42,
          username: "tanuki",
          name: "Tanuki",
          email: "tanuki@example.com",
          avatar_url: "https://gl.example/t.png",
          confirmed_at: "2021-03-04T05:06:07Z",
        },
      }),
    {
      id: "42",
      name: "Tanuki",
      username: "tanuki",
      email: "tanuki@example.com",
      avatarURL: "https://gl.example/t.png",
    },
  ],
  [
    "google",
    () =>
      user({
        profile: {
          sub: "10769150350006150715113082367",
          name: "Jane Doe",
          picture: "https://lh3.example/j.jpg",
          email: "jane@example.com",
          email_verified: true,
        },
      }),
    {
      id: "10769150350006150715113082367",
      name: "Jane Doe",
      username: "",
      email: "jane@example.com",
      avatarURL: "https://lh3.example/j.jpg",
    },
  ],
  [
    "discord",
    () =>
      user({
        profile: {
          id: "80351110224678912",
          username: "nelly",
          discriminator: "1337",
          global_name: null,
          avatar: "8342729096ea3675442027381ff50dfe",
          verified: true,
          email: "nelly@example.com",
        },
      }),
    {
      id: "80351110224678912",
      name: "nelly#1337",
      username: "nelly",
      email: "nelly@example.com",
      avatarURL: "https://cdn.discordapp.com/avatars/80351110224678912/8342729096ea3675442027381ff50dfe.png",
    },
  ],
  [
    "facebook",
    () =>
      user({
        clientAuth: "post",
        profile: {
          id: "10158",
          name: "Mark Z",
          email: "mark@example.com",
          picture: { data: { url: "https://fb.example/m.jpg" } },
        },
      }),
    {
      id: "10158",
      name: "Mark Z",
      username: "",
      email: "mark@example.com",
      avatarURL: "https://fb.example/m.jpg",
    },
  ],
  [
    "twitter",
    () =>
      user({
        profile: {
          data: {
            id: "2244994945",
            name: "X Dev",
            username: "xdevelopers",
            confirmed_email: "dev@example.com",
            profile_image_url: "https://x.example/d.png",
          },
        },
      }),
    {
      id: "2244994945",
      name: "X Dev",
      username: "xdevelopers",
      email: "dev@example.com",
      avatarURL: "https://x.example/d.png",
    },
  ],
  [
    "twitch",
    () =>
      user({
        clientAuth: "post",
        userinfoHeaders: { "Client-Id": "twitch-client" },
        profile: {
          data: [
            {
              id: "141981764",
              login: "twitchdev",
              display_name: "TwitchDev",
              email: "twitch@example.com",
              profile_image_url: "https://tw.example/t.png",
            },
          ],
        },
      }),
    {
      id: "141981764",
      name: "TwitchDev",
      username: "twitchdev",
      email: "twitch@example.com",
      avatarURL: "https://tw.example/t.png",
    },
  ],
  [
    "spotify",
    () =>
      user({
        profile: { id: "wizzler", display_name: "Wizzler", images: [{ url: "https://sp.example/w.jpg" }] },
      }),
    { id: "wizzler", name: "Wizzler", username: "", email: "", avatarURL: "https://sp.example/w.jpg" },
  ],
  [
    "bitbucket",
    () =>
      user({
        profile: {
          uuid: "{c788b2da-b7a2-404c-9e26-d3f077557007}",
          username: "bucky",
          display_name: "Bucky",
          account_status: "active",
          links: { avatar: { href: "https://bb.example/b.png" } },
        },
        emails: { values: [{ email: "bucky@example.com", is_primary: true, is_confirmed: true }] },
      }),
    {
      id: "{c788b2da-b7a2-404c-9e26-d3f077557007}",
      name: "Bucky",
      username: "bucky",
      email: "bucky@example.com",
      avatarURL: "https://bb.example/b.png",
    },
  ],
  [
    "apple",
    () => user({ clientAuth: "post", sub: "001234.apple", email: "apple@example.com", email_verified: true }),
    { id: "001234.apple", name: "", username: "", email: "apple@example.com", avatarURL: "" },
  ],
  [
    "linkedin",
    () =>
      user({
        clientAuth: "post",
        sub: "li-782bbtaQ",
        name: "Linked In",
        email: "li@example.com",
        email_verified: true,
        picture: "https://li.example/p.jpg",
      }),
    {
      id: "li-782bbtaQ",
      name: "Linked In",
      username: "",
      email: "li@example.com",
      avatarURL: "https://li.example/p.jpg",
    },
  ],
];

describe("named providers", () => {
  it.each(CASES)(
    "%s: maps the profile to the user and creates the record (verified when the email is)",
    async (provider, who, expected) => {
      // Without a provider email the collection's required email comes from createData (unverified).
      const createData = expected.email ? undefined : { email: `${provider}-own@example.com` };
      const res = await signInAs(provider, who(), createData);
      expect(res.status, await res.clone().text()).toBe(200);
      const body = (await res.json()) as Json;
      expect(body.meta).toMatchObject({ ...expected, isNew: true });
      expect(body.record.nick).toBe(expected.name);
      expect(body.record.verified).toBe(expected.email !== "");
      expect(body.record.email).toBe(expected.email || createData?.email);
      expect(await count("_externalAuths", "provider = ? AND providerId = ?", provider, expected.id)).toBe(1);
      expect(JSON.stringify(body)).not.toContain("client-secret-value");
    },
  );

  it("asks Apple for a form_post answer and each provider for its scopes", async () => {
    const methods = (await (await api("/api/collections/fans/auth-methods")).json()) as Json;
    const url = (name: string) =>
      new URL(methods.oauth2.providers.find((p: Json) => p.name === name).authURL);
    expect(url("apple").searchParams.get("response_mode")).toBe("form_post");
    expect(url("apple").searchParams.get("scope")).toBe("name email");
    expect(url("github").searchParams.get("scope")).toBe("read:user user:email");
    expect(url("bitbucket").searchParams.get("code_challenge")).toBeNull();
    expect(url("twitch").searchParams.get("scope")).toBe("user:read:email");
  });

  it("refuses a token exchange that sends the secret the wrong way (the provider's 401 is a generic 400)", async () => {
    const who = user({ clientAuth: "post", profile: { id: "x", login: "x" } });
    const res = await signInAs("github", who);
    expect(res.status).toBe(400);
    expect(((await res.json()) as Json).message).toBe("Failed to authenticate with the OAuth2 provider.");
  });

  it("GitHub without a verified primary email (emails endpoint 404) asserts none", async () => {
    const who = () => user({ profile: { id: 99, login: "noemail", name: "No Email" } });
    // The collection requires an email: with none from the provider nor createData, nothing is created.
    const before = await count("fans");
    const refused = await signInAs("github", who());
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as Json).data.email.code).toBe("validation_required");
    expect(await count("fans")).toBe(before);
    expect(await count("_externalAuths", "provider = 'github' AND providerId = '99'")).toBe(0);
    const res = await signInAs("github", who(), { email: "chosen@example.com" });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Json;
    expect(body.meta).toMatchObject({ id: "99", email: "", isNew: true });
    expect(body.record).toMatchObject({ email: "chosen@example.com", verified: false });
  });

  it("GitLab without confirmed_at does not assert the email", async () => {
    const res = await signInAs(
      "gitlab",
      user({ profile: { id: 43, username: "u", name: "U", email: "unconfirmed@example.com" } }),
      { email: "gitlab-u@example.com" },
    );
    expect(res.status).toBe(200);
    expect(((await res.json()) as Json).meta.email).toBe("");
  });

  it("Microsoft's Graph mail is never trusted: an existing verified account is not linked by it", async () => {
    const email = "victim@example.com";
    const created = await apiJson("POST", "/api/collections/fans/records", {
      email,
      password: "correct horse battery",
      passwordConfirm: "correct horse battery",
    });
    expect(created.status).toBe(200);
    const victim = ((await created.json()) as Json).id;
    await env.DB.prepare("UPDATE fans SET verified = 1 WHERE id = ?").bind(victim).run();
    const res = await signInAs(
      "microsoft",
      user({ profile: { id: "ms-1", displayName: "Attacker", mail: email } }),
      { email: "attacker@example.com" },
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as Json;
    expect(body.meta).toMatchObject({ id: "ms-1", name: "Attacker", email: "", isNew: true });
    expect(body.record.id).not.toBe(victim);
    expect(body.record).toMatchObject({ email: "attacker@example.com", verified: false });
    expect(await count("_externalAuths", "recordRef = ?", victim)).toBe(0);
  });

  it("refuses an inactive Bitbucket account and an Apple ID token that does not verify", async () => {
    const inactive = user({ profile: { uuid: "{x}", username: "gone", account_status: "closed" } });
    expect((await signInAs("bitbucket", inactive)).status).toBe(400);
    const tampered = user({ clientAuth: "post", sub: "apple-2", tamper: "kid" });
    expect((await signInAs("apple", tampered)).status).toBe(400);
    expect(await count("_externalAuths", "providerId IN ('{x}', 'apple-2')")).toBe(0);
  });
});
