import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { asUser, buildWorld, type World } from "../../records/fixtures";
import { call, createCollection, emitted, type Json, request, SUPERUSER } from "../../records/harness";

let w: World;
const posts = "/api/collections/posts/records";

beforeAll(async () => {
  w = await buildWorld();
});

async function count(table: string): Promise<number> {
  const row = await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table}`).first<{ n: number }>();
  return row?.n ?? -1;
}

describe("POST …/records (create)", () => {
  it("creates with the createRule satisfied: 200, decoded fields, autodates, change event", async () => {
    const before = emitted.length;
    const res = await call(asUser(w.bob), "POST", posts, {
      title: "Mine",
      owner: w.bob.id,
      tags: "a",
      views: "3",
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      title: "Mine",
      owner: w.bob.id,
      tags: ["a"],
      views: 3,
      published: false,
    });
    expect(res.body.id).toMatch(/^[a-z0-9]{15}$/);
    expect(res.body.created).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(res.headers.get("etag")).toBeTruthy();
    expect(emitted.slice(before).map((e) => [e.action, e.collection.name, e.record.id])).toEqual([
      ["create", "posts", res.body.id],
    ]);
  });

  it("a createRule that does not match is 400 and writes nothing", async () => {
    const n = await count("posts");
    const other = await call(asUser(w.bob), "POST", posts, { title: "Spoof", owner: w.alice.id });
    expect(other.status).toBe(400);
    const guest = await call(null, "POST", posts, { title: "Guest", owner: w.alice.id });
    expect(guest.status).toBe(400);
    expect(await count("posts")).toBe(n);
  });

  it("a locked createRule is 403; superusers may create", async () => {
    expect(
      (await call(asUser(w.bob), "POST", "/api/collections/locked/records", { title: "x" })).status,
    ).toBe(403);
    expect((await call(SUPERUSER, "POST", "/api/collections/locked/records", { title: "x" })).status).toBe(
      200,
    );
  });

  it("accepts a valid client id once; refuses malformed and used ids", async () => {
    const id = "abcdefghij12345";
    const ok = await call(asUser(w.bob), "POST", posts, { id, title: "Own id", owner: w.bob.id });
    expect(ok.body.id).toBe(id);
    const again = await call(asUser(w.bob), "POST", posts, { id, title: "Dup", owner: w.bob.id });
    expect(again.status).toBe(400);
    expect(again.body.data.id.code).toBe("validation_not_unique");
    const bad = await call(asUser(w.bob), "POST", posts, { id: "UPPER", title: "x", owner: w.bob.id });
    expect(bad.status).toBe(400);
    expect(bad.body.data).toHaveProperty("id");
  });

  it("validates values per field, naming each field", async () => {
    const res = await call(asUser(w.bob), "POST", posts, {
      title: "x".repeat(201),
      owner: w.bob.id,
      tags: ["zzz"],
      views: "many",
      unknownField: 1,
    });
    expect(res.status).toBe(400);
    // Unknown keys are ignored, as PocketBase does: only the invalid fields are named.
    expect(Object.keys(res.body.data).sort()).toEqual(["tags", "title", "views"]);
  });

  it("checks that relation targets exist", async () => {
    const res = await call(SUPERUSER, "POST", posts, { title: "x", owner: "nosuchuser0000" });
    expect(res.status).toBe(400);
    expect(res.body.data.owner.code).toBe("validation_missing_rel_records");
  });

  it("names every field whose relation target is missing, and writes nothing (the check runs after the guard fired)", async () => {
    const n = await count("comments");
    const res = await call(asUser(w.bob), "POST", "/api/collections/comments/records", {
      message: "x",
      post: "nosuchpost00000",
      author: "nosuchuser0000",
    });
    expect(res.status).toBe(400);
    expect(res.body.data).toEqual({
      post: { code: "validation_missing_rel_records", message: expect.any(String) },
      author: { code: "validation_missing_rel_records", message: expect.any(String) },
    });
    expect(await count("comments")).toBe(n);
  });

  it("maps unique indexes to validation_not_unique on the field", async () => {
    expect((await call(SUPERUSER, "POST", posts, { title: "s", slug: "same" })).status).toBe(200);
    const dup = await call(SUPERUSER, "POST", posts, { title: "s2", slug: "same" });
    expect(dup.status).toBe(400);
    expect(dup.body.data).toEqual({ slug: { code: "validation_not_unique", message: expect.any(String) } });
  });

  it("drops hidden fields sent by non-superusers (as PocketBase does) and ignores autodates", async () => {
    const hidden = await call(asUser(w.bob), "POST", posts, { title: "h", owner: w.bob.id, secret: "x" });
    expect(hidden.status).toBe(200);
    const stored = await call(SUPERUSER, "GET", `${posts}/${hidden.body.id}`);
    expect(stored.body.secret).toBe("");
    const patched = await call(asUser(w.bob), "PATCH", `${posts}/${hidden.body.id}`, { secret: "y" });
    expect(patched.status).toBe(200);
    expect((await call(SUPERUSER, "GET", `${posts}/${hidden.body.id}`)).body.secret).toBe("");
    const auto = await call(asUser(w.bob), "POST", posts, {
      title: "a",
      owner: w.bob.id,
      created: "2000-01-01 00:00:00.000Z",
    });
    expect(auto.status).toBe(200);
    expect(auto.body.created).not.toBe("2000-01-01 00:00:00.000Z");
  });

  it("bad bodies are 400 with the error shape, never 500", async () => {
    for (const body of ["{", "[]", '"text"', "null"]) {
      const res = await call(asUser(w.bob), "POST", posts, body);
      expect(res.status, body).toBe(400);
      expect(res.body).toMatchObject({ status: 400, message: expect.any(String) });
    }
  });

  it("accepts multipart/form-data with @jsonPayload", async () => {
    const form = new FormData();
    form.append("title", "From form");
    form.append("owner", w.bob.id);
    form.append("tags", "a");
    form.append("tags", "b");
    form.append("@jsonPayload", JSON.stringify({ views: 4 }));
    const res = await request(asUser(w.bob), "POST", posts, form);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ title: "From form", tags: ["a", "b"], views: 4 });
  });

  it("auth records: hashed password, confirmation, generated tokenKey, case-insensitive unique email", async () => {
    const res = await call(null, "POST", "/api/collections/users/records", {
      email: "carol@example.com",
      password: "password-carol",
      passwordConfirm: "password-carol",
    });
    expect(res.status).toBe(200);
    expect(res.body).not.toHaveProperty("password");
    const row = await env.DB.prepare("SELECT password, tokenKey FROM users WHERE id = ?")
      .bind(res.body.id)
      .first<Json>();
    expect(row.password).toMatch(/^pbkdf2_sha256\$/);
    expect(row.tokenKey).toHaveLength(50);
    const mismatch = await call(null, "POST", "/api/collections/users/records", {
      email: "dan@example.com",
      password: "password-dan",
      passwordConfirm: "other",
    });
    expect(mismatch.body.data.passwordConfirm.code).toBe("validation_values_mismatch");
    const dup = await call(null, "POST", "/api/collections/users/records", {
      email: "CAROL@example.com",
      password: "password-carol",
      passwordConfirm: "password-carol",
    });
    expect(dup.body.data.email.code).toBe("validation_not_unique");
    const verified = await call(null, "POST", "/api/collections/users/records", {
      email: "eve@example.com",
      password: "password-eve",
      passwordConfirm: "password-eve",
      verified: true,
    });
    expect(verified.status).toBe(400);
  });
});

describe("PATCH …/records/{id} (update)", () => {
  it("the owner updates; others get 404; guests 404; superusers may", async () => {
    const path = `${posts}/${w.p3.id}`;
    expect((await call(asUser(w.alice), "PATCH", path, { title: "hack" })).status).toBe(404);
    expect((await call(null, "PATCH", path, { title: "hack" })).status).toBe(404);
    const own = await call(asUser(w.bob), "PATCH", path, { title: "Gamma 2" });
    expect(own.status).toBe(200);
    expect(own.body.title).toBe("Gamma 2");
    expect(own.body.updated >= w.p3.updated).toBe(true);
    expect((await call(SUPERUSER, "PATCH", path, { title: "Gamma" })).body.title).toBe("Gamma");
  });

  it("applies number increments and array modifiers", async () => {
    const path = `${posts}/${w.p1.id}`;
    const res = await call(SUPERUSER, "PATCH", path, { "views+": 5, "tags-": "a", "tags+": "c" });
    expect(res.body).toMatchObject({ views: 15, tags: ["b", "c"] });
    const res2 = await call(SUPERUSER, "PATCH", path, { "views-": 1, "+tags": "a" });
    expect(res2.body).toMatchObject({ views: 14, tags: ["a", "b", "c"] });
    expect((await call(SUPERUSER, "PATCH", path, { "views+": "x" })).status).toBe(400);
  });

  it("If-Match: a stale ETag is 412, the current one succeeds", async () => {
    const path = `${posts}/${w.p3.id}`;
    const read = await call(SUPERUSER, "GET", path);
    const etag = read.headers.get("etag") as string;
    const ok = await call(SUPERUSER, "PATCH", path, { views: 8 }, { "if-match": etag });
    expect(ok.status).toBe(200);
    const stale = await call(SUPERUSER, "PATCH", path, { views: 9 }, { "if-match": etag });
    expect(stale.status).toBe(412);
    expect((await call(SUPERUSER, "DELETE", path, undefined, { "if-match": etag })).status).toBe(412);
  });

  it("cannot change the id or set hidden fields or tokenKey as a non-superuser", async () => {
    const path = `${posts}/${w.p3.id}`;
    expect((await call(asUser(w.bob), "PATCH", path, { id: "another00000000" })).status).toBe(400);
    expect((await call(asUser(w.bob), "PATCH", path, { secret: "x" })).status).toBe(200);
    expect((await call(SUPERUSER, "GET", path)).body.secret).not.toBe("x");
    const self = `/api/collections/users/records/${w.bob.id}`;
    const key = "SELECT tokenKey FROM users WHERE id = ?";
    const before = await env.DB.prepare(key).bind(w.bob.id).first<Json>();
    expect((await call(asUser(w.bob), "PATCH", self, { tokenKey: "mine" })).status).toBe(200);
    expect(await env.DB.prepare(key).bind(w.bob.id).first<Json>()).toEqual(before);
  });

  it("password changes need the old password (non-superusers) and re-key the record", async () => {
    const path = `/api/collections/users/records/${w.bob.id}`;
    const before = await env.DB.prepare("SELECT tokenKey FROM users WHERE id = ?")
      .bind(w.bob.id)
      .first<Json>();
    const missing = await call(asUser(w.bob), "PATCH", path, {
      password: "new-password-1",
      passwordConfirm: "new-password-1",
    });
    expect(missing.body.data).toHaveProperty("oldPassword");
    const ok = await call(asUser(w.bob), "PATCH", path, {
      oldPassword: "password-bob",
      password: "new-password-1",
      passwordConfirm: "new-password-1",
    });
    expect(ok.status).toBe(200);
    const after = await env.DB.prepare("SELECT tokenKey FROM users WHERE id = ?")
      .bind(w.bob.id)
      .first<Json>();
    expect(after.tokenKey).not.toBe(before.tokenKey);
  });
});

describe("DELETE …/records/{id}", () => {
  it("others get 404, the owner 204; comments cascade; events for both", async () => {
    const post = await call(asUser(w.alice), "POST", posts, {
      title: "Doomed",
      owner: w.alice.id,
      published: true,
    });
    const comment = await call(asUser(w.bob), "POST", "/api/collections/comments/records", {
      message: "bye",
      post: post.body.id,
      author: w.bob.id,
    });
    expect(comment.status).toBe(200);
    expect((await call(asUser(w.bob), "DELETE", `${posts}/${post.body.id}`)).status).toBe(404);
    const before = emitted.length;
    const res = await request(asUser(w.alice), "DELETE", `${posts}/${post.body.id}`);
    expect(res.status).toBe(204);
    expect(
      (await call(SUPERUSER, "GET", `/api/collections/comments/records/${comment.body.id}`)).status,
    ).toBe(404);
    expect(emitted.slice(before).map((e) => `${e.action}:${e.collection.name}`)).toEqual([
      "delete:posts",
      "delete:comments",
    ]);
  });

  it("a required reference blocks the delete (400, nothing deleted)", async () => {
    const owners = await createCollection({ name: "teams", fields: [{ name: "name", type: "text" }] });
    await createCollection({
      name: "members",
      fields: [{ name: "team", type: "relation", collectionId: owners.id, required: true, maxSelect: 1 }],
    });
    const team = await call(SUPERUSER, "POST", "/api/collections/teams/records", { name: "t" });
    await call(SUPERUSER, "POST", "/api/collections/members/records", { team: team.body.id });
    const res = await call(SUPERUSER, "DELETE", `/api/collections/teams/records/${team.body.id}`);
    expect(res.status).toBe(400);
    expect(await count("teams")).toBe(1);
  });

  it("a failing cascade leaves no trace", async () => {
    const tags = await createCollection({ name: "labels", fields: [{ name: "name", type: "text" }] });
    await createCollection({
      name: "boards",
      fields: [{ name: "labels", type: "relation", collectionId: tags.id, maxSelect: 5 }],
      indexes: ["CREATE UNIQUE INDEX idx_boards_labels ON boards (labels)"],
    });
    const x = await call(SUPERUSER, "POST", "/api/collections/labels/records", { name: "x" });
    const y = await call(SUPERUSER, "POST", "/api/collections/labels/records", { name: "y" });
    await call(SUPERUSER, "POST", "/api/collections/boards/records", { labels: [x.body.id, y.body.id] });
    await call(SUPERUSER, "POST", "/api/collections/boards/records", { labels: [y.body.id] });
    // Removing x from the first board would make it equal to the second: the UNIQUE index aborts the batch.
    const res = await call(SUPERUSER, "DELETE", `/api/collections/labels/records/${x.body.id}`);
    expect(res.status).toBe(400);
    expect(res.body.data.labels.code).toBe("validation_not_unique");
    expect(await count("labels")).toBe(2);
    const boards = await env.DB.prepare("SELECT labels FROM boards ORDER BY rowid").all<Json>();
    expect(boards.results.map((b) => JSON.parse(b.labels).length)).toEqual([2, 1]);
  });

  it("a locked deleteRule is 403 for users", async () => {
    const su = await call(SUPERUSER, "GET", "/api/collections/locked/records");
    const id = su.body.items[0].id;
    expect((await call(asUser(w.alice), "DELETE", `/api/collections/locked/records/${id}`)).status).toBe(403);
  });
});
