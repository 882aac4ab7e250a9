import { env } from "cloudflare:workers";
import PocketBase from "pocketbase";
import { describe, expect, it } from "vitest";
import { createEdgebase } from "../../../src/app";
import type { AuthRecord } from "../../../src/rules/context";
import { api, BASE } from "../../helpers/request";
import { authed, createSuperuser, signIn, signUp } from "./auth-helpers";

const SUPERUSER: AuthRecord = {
  id: "su0000000000001",
  collectionId: "pbc_3142635823",
  collectionName: "_superusers",
};
const USER: AuthRecord = { id: "us0000000000001", collectionId: "_pb_users_auth_", collectionName: "users" };

/** An app whose every request is made by `auth` (the hook token verification will later fill). */
function appAs(auth: AuthRecord | null) {
  const app = createEdgebase({ logLevel: "off", authenticate: async () => auth });
  return (method: string, path: string, body?: unknown) =>
    app.request(
      BASE + path,
      {
        method,
        ...(body === undefined
          ? {}
          : {
              headers: { "content-type": "application/json" },
              body: typeof body === "string" ? body : JSON.stringify(body),
            }),
      },
      env,
    );
}

const ROUTES: [string, string][] = [
  ["GET", "/api/collections"],
  ["POST", "/api/collections"],
  ["GET", "/api/collections/users"],
  ["PATCH", "/api/collections/users"],
  ["DELETE", "/api/collections/users"],
  ["DELETE", "/api/collections/users/truncate"],
  ["PUT", "/api/collections/import"],
  ["GET", "/api/collections/meta/scaffolds"],
];

describe("collections admin API access", () => {
  it.each(ROUTES)("%s %s answers 401 without a token (through the Worker)", async (method, path) => {
    const res = await api(path, {
      method,
      headers: { "content-type": "application/json" },
      body: method === "GET" ? null : "{}",
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      status: 401,
      message: "The request requires valid authorization token.",
      data: {},
    });
  });

  it.each(ROUTES)("%s %s answers 403 to a non-superuser", async (method, path) => {
    const res = await appAs(USER)(method, path, method === "GET" ? undefined : {});
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({
      status: 403,
      message: "Only superusers can perform this action.",
    });
  });
});

describe("collections admin API with real tokens (through the Worker)", () => {
  it("lets a signed-in superuser in and keeps a signed-in user out", async () => {
    await createSuperuser("root@example.com");
    const root = await signIn("root@example.com", "_superusers");
    const list = await authed(root.token, "/api/collections?filter=name%3D'users'");
    expect(list.status).toBe(200);
    expect(await list.json()).toMatchObject({ totalItems: 1, items: [{ name: "users", type: "auth" }] });

    await signUp("someone@example.com");
    const user = await signIn("someone@example.com");
    const denied = await authed(user.token, "/api/collections");
    expect(denied.status).toBe(403);
  });
});

describe("collections admin API as a superuser", () => {
  const su = appAs(SUPERUSER);

  it("creates, reads, lists, updates, truncates and deletes a collection", async () => {
    const created = await su("POST", "/api/collections", {
      name: "posts",
      fields: [{ name: "title", type: "text", required: true }],
      listRule: "",
    });
    expect(created.status).toBe(200);
    const post = (await created.json()) as { id: string; name: string; fields: { name: string }[] };
    expect(post.fields.map((f) => f.name)).toEqual(["id", "title", "created", "updated"]);

    const byId = await su("GET", `/api/collections/${post.id}`);
    expect(await byId.json()).toMatchObject({ id: post.id, name: "posts", type: "base", listRule: "" });

    const list = await su("GET", "/api/collections?filter=name%3D'posts'&perPage=5");
    expect(await list.json()).toMatchObject({
      page: 1,
      perPage: 5,
      totalItems: 1,
      items: [{ name: "posts" }],
    });

    const patched = await su("PATCH", "/api/collections/posts", { name: "articles" });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ id: post.id, name: "articles" });

    await env.DB.prepare("INSERT INTO articles (id, title) VALUES ('a1', 'x')").run();
    expect((await su("DELETE", "/api/collections/articles/truncate")).status).toBe(204);
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM articles").first()).toEqual({ n: 0 });

    expect((await su("DELETE", `/api/collections/${post.id}`)).status).toBe(204);
    expect((await su("GET", "/api/collections/articles")).status).toBe(404);
  });

  it("reports validation errors by path in the error shape", async () => {
    const res = await su("POST", "/api/collections", {
      name: "bad",
      fields: [
        { name: "ok", type: "text" },
        { name: "f", type: "nosuch" },
      ],
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      status: 400,
      message: "Failed to validate the submitted data.",
      data: {
        "fields.1.type": {
          code: "validation_invalid_field_type",
          message: 'Unknown field type "nosuch".',
        },
      },
    });
    const rule = await su("PATCH", "/api/collections/users", { listRule: "foo = 1" });
    expect(await rule.json()).toMatchObject({
      data: { listRule: { code: "validation_invalid_rule", message: 'unknown field "foo"' } },
    });
    expect((await su("POST", "/api/collections", "{not json")).status).toBe(400);
    expect((await su("POST", "/api/collections", "[]")).status).toBe(400);
  });

  it("imports idempotently and answers 204", async () => {
    const body = { collections: [{ name: "imported", fields: [{ name: "n", type: "number" }] }] };
    expect((await su("PUT", "/api/collections/import", body)).status).toBe(204);
    const first = await (await su("GET", "/api/collections/imported")).json();
    expect((await su("PUT", "/api/collections/import", body)).status).toBe(204);
    expect(await (await su("GET", "/api/collections/imported")).json()).toEqual(first);
  });

  it("serves scaffolds for every type", async () => {
    const res = await su("GET", "/api/collections/meta/scaffolds");
    const scaffolds = (await res.json()) as Record<string, { type: string; fields: { name: string }[] }>;
    expect(Object.keys(scaffolds).sort()).toEqual(["auth", "base", "view"]);
    expect(scaffolds.auth?.fields.map((f) => f.name)).toContain("tokenKey");
    expect(scaffolds.base?.fields.map((f) => f.name)).toEqual(["id", "created", "updated"]);
  });

  it("never returns a token secret", async () => {
    const created = await su("POST", "/api/collections", { name: "members", type: "auth" });
    const texts = [
      await created.text(),
      await (await su("GET", "/api/collections/members")).text(),
      await (await su("GET", "/api/collections?perPage=100")).text(),
      await (await su("PATCH", "/api/collections/members", { listRule: "" })).text(),
      await (await su("GET", "/api/collections/meta/scaffolds")).text(),
    ];
    const secrets = await env.DB.prepare(
      "SELECT json_extract(options, '$.tokenSecret') AS s FROM _collections WHERE type = 'auth'",
    ).all<{ s: string }>();
    expect(secrets.results.length).toBe(3);
    for (const text of texts) {
      expect(text).not.toContain("tokenSecret");
      for (const { s } of secrets.results) expect(text).not.toContain(s);
    }
  });
});

describe("the official pocketbase SDK's collections service", () => {
  const app = createEdgebase({ logLevel: "off", authenticate: async () => SUPERUSER });
  const pb = new PocketBase(BASE);
  pb.autoCancellation(false);
  pb.beforeSend = (url, options) => ({
    url,
    options: {
      ...options,
      fetch: (input: RequestInfo | URL, init?: RequestInit) =>
        app.request(new Request(input, init), undefined, env),
    },
  });

  it("creates, lists, updates, imports, scaffolds, truncates and deletes", async () => {
    const created = await pb.collections.create({
      name: "sdk_posts",
      type: "base",
      fields: [{ name: "title", type: "text" }],
    });
    expect(created.name).toBe("sdk_posts");
    const list = await pb.collections.getList(1, 50, { filter: "name ~ 'sdk_'" });
    expect(list.items.map((c) => c.name)).toEqual(["sdk_posts"]);
    const updated = await pb.collections.update("sdk_posts", { listRule: "title != ''" });
    expect(updated.listRule).toBe("title != ''");
    const full = await pb.collections.getFullList({ filter: "system = false" });
    await pb.collections.import(full, false);
    expect((await pb.collections.getOne("sdk_posts")).updated).toBe(updated.updated);
    const scaffolds = await pb.collections.getScaffolds();
    expect(Object.keys(scaffolds).sort()).toEqual(["auth", "base", "view"]);
    await pb.collections.truncate("sdk_posts");
    await pb.collections.delete("sdk_posts");
    await expect(pb.collections.getOne("sdk_posts")).rejects.toMatchObject({ status: 404 });
  });
});
