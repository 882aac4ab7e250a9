/** GraphQL writes through the records engine: create, update with modifiers, delete, atomic batch, auth mutations. */
import { beforeAll, describe, expect, it } from "vitest";
import { api } from "../helpers/request";
import { createSuperuser, type Json, PASSWORD, signIn } from "../http/routes/auth-helpers";
import { type Blog, createBlog } from "./fixtures";
import { gql, rest } from "./helpers";

let su = "";
let ann = "";
let bob = "";
let blog: Blog;
beforeAll(async () => {
  await createSuperuser("root@example.com");
  su = (await signIn("root@example.com", "_superusers")).token;
  blog = await createBlog(su, 2, 0);
  ann = (await signIn("ann@example.com")).token;
  bob = (await signIn("bob@example.com")).token;
});

const CREATE =
  "mutation ($data: JSON!) { posts_create(data: $data) { id title views tags expand { author { name } } } }";

describe("create, update, delete", () => {
  it("creates with the createRule and returns the record with relations", async () => {
    const { data, errors } = await gql(ann, CREATE, {
      data: { title: "by ann", views: 1, author: blog.users[0] },
    });
    expect(errors).toEqual([]);
    expect(data.posts_create).toMatchObject({
      title: "by ann",
      views: 1,
      tags: [],
      expand: { author: { name: "ann" } },
    });
    const stored = await rest(su, "GET", `/api/collections/posts/records/${data.posts_create.id}`);
    expect(stored.title).toBe("by ann");
  });

  it("a guest fails the createRule as in REST (400, nothing written)", async () => {
    const before = (await rest(su, "GET", "/api/collections/posts/records?skipTotal=0")).totalItems;
    const { data, errors } = await gql(null, CREATE, { data: { title: "guest" } });
    expect(data).toEqual({ posts_create: null });
    expect(errors[0]?.extensions.status).toBe(400);
    expect((await rest(su, "GET", "/api/collections/posts/records")).totalItems).toBe(before);
  });

  it("validation errors carry REST's field paths and codes", async () => {
    const { errors } = await gql(ann, CREATE, { data: { title: "", author: blog.users[0] } });
    const restRes = await api("/api/collections/posts/records", {
      method: "POST",
      headers: { authorization: ann, "content-type": "application/json" },
      body: JSON.stringify({ title: "", author: blog.users[0] }),
    });
    const restBody = (await restRes.json()) as Json;
    expect(errors[0]?.extensions).toEqual({
      status: restRes.status,
      code: "BAD_REQUEST",
      data: restBody.data,
    });
    expect(errors[0]?.extensions.data.title.code).toBe("validation_required");
  });

  it("updates with modifiers under the updateRule, honours ifMatch, and deletes", async () => {
    const id = (
      await gql(ann, CREATE, { data: { title: "mod", views: 10, tags: ["a"], author: blog.users[0] } })
    ).data.posts_create.id;
    const UPDATE =
      "mutation ($id: ID!, $data: JSON!, $m: String) { posts_update(id: $id, data: $data, ifMatch: $m) { views tags } }";
    const updated = await gql(ann, UPDATE, { id, data: { "views+": 5, "tags+": "b" } });
    expect(updated.errors).toEqual([]);
    expect(updated.data.posts_update).toEqual({ views: 15, tags: ["a", "b"] });
    // bob is not the author: the updateRule hides the record, as REST's 404.
    const denied = await gql(bob, UPDATE, { id, data: { "views-": 1 } });
    expect(denied.errors[0]?.extensions.status).toBe(404);
    const stale = await gql(ann, UPDATE, { id, data: { views: 0 }, m: 'W/"stale"' });
    expect(stale.errors[0]?.extensions.status).toBe(412);

    const DELETE = "mutation ($id: ID!) { posts_delete(id: $id) }";
    expect((await gql(bob, DELETE, { id })).errors[0]?.extensions.status).toBe(404);
    expect((await gql(ann, DELETE, { id })).data).toEqual({ posts_delete: true });
    expect((await api(`/api/collections/posts/records/${id}`)).status).toBe(404);
  });

  it("data must be an object", async () => {
    const { errors } = await gql(ann, CREATE, { data: [1, 2] });
    expect(errors[0]?.extensions.data.data.code).toBe("validation_invalid_value");
  });
});

describe("batch", () => {
  const BATCH = "mutation ($r: [BatchRequest!]!) { batch(requests: $r) { status body } }";

  it("commits every request together", async () => {
    const { data, errors } = await gql(ann, BATCH, {
      r: [
        { action: "create", collection: "posts", data: { title: "b1", author: blog.users[0] } },
        {
          action: "create",
          collection: "posts",
          data: { id: "batchpost000001", title: "b2", author: blog.users[0] },
        },
        { action: "update", collection: "posts", id: "batchpost000001", data: { "views+": 2 } },
      ],
    });
    expect(errors).toEqual([]);
    expect(data.batch.map((r: Json) => r.status)).toEqual([200, 200, 200]);
    expect(data.batch[2].body.views).toBe(2);
  });

  it("writes nothing when one request fails, with REST's per-request error data", async () => {
    const { data, errors } = await gql(ann, BATCH, {
      r: [
        {
          action: "create",
          collection: "posts",
          data: { id: "batchpost000002", title: "kept?", author: blog.users[0] },
        },
        { action: "delete", collection: "posts", id: blog.posts[1] },
      ],
    });
    expect(data).toBeNull();
    expect(errors[0]?.extensions.status).toBe(400);
    expect(errors[0]?.extensions.data.requests["1"].code).toBe("batch_request_failed");
    expect((await api("/api/collections/posts/records/batchpost000002")).status).toBe(404);
  });
});

describe("auth mutations", () => {
  const SIGN_IN =
    "mutation ($c: String!, $i: String!, $p: String!) { authWithPassword(collection: $c, identity: $i, password: $p) { token refreshToken record } }";

  it("signs in, and the token authorizes GraphQL requests", async () => {
    const { data, errors } = await gql(null, SIGN_IN, { c: "users", i: "cyd@example.com", p: PASSWORD });
    expect(errors).toEqual([]);
    expect(data.authWithPassword.record).toMatchObject({ id: blog.users[2], email: "cyd@example.com" });
    const me = await gql(data.authWithPassword.token, "query ($id: ID!) { users_view(id: $id) { name } }", {
      id: blog.users[2],
    });
    expect(me.data.users_view.name).toBe("cyd");
  });

  it("a wrong password is REST's 400", async () => {
    const { errors } = await gql(null, SIGN_IN, { c: "users", i: "cyd@example.com", p: "wrong password" });
    expect(errors[0]).toMatchObject({ message: "Failed to authenticate.", extensions: { status: 400 } });
  });

  it("refreshes with the token in the header, and rotates a refresh token once", async () => {
    const signedIn = (await gql(null, SIGN_IN, { c: "users", i: "cyd@example.com", p: PASSWORD })).data
      .authWithPassword;
    const REFRESH =
      'mutation ($t: String) { authRefresh(collection: "users", refreshToken: $t) { token refreshToken record } }';
    const renewed = await gql(signedIn.token, REFRESH, {});
    expect(renewed.errors).toEqual([]);
    expect(renewed.data.authRefresh.record.id).toBe(blog.users[2]);
    const rotated = await gql(null, REFRESH, { t: signedIn.refreshToken });
    expect(rotated.data.authRefresh.refreshToken).toBeTruthy();
    expect(rotated.data.authRefresh.refreshToken).not.toBe(signedIn.refreshToken);
    // Reusing the old one is refused.
    const reused = await gql(null, REFRESH, { t: signedIn.refreshToken });
    expect(reused.errors[0]?.extensions.status).toBe(401);
    expect((await gql(null, REFRESH, {})).errors[0]?.extensions.status).toBe(401);
  });
});
