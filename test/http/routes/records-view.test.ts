import { beforeAll, describe, expect, it } from "vitest";
import { hashEtag } from "../../../src/records/record-json";
import { asUser, buildWorld, type World } from "../../records/fixtures";
import { call, SUPERUSER } from "../../records/harness";

let w: World;
const view = (auth: Parameters<typeof call>[0], id: string, query = "") =>
  call(auth, "GET", `/api/collections/posts/records/${id}${query}`);

beforeAll(async () => {
  w = await buildWorld();
});

describe("GET /api/collections/{c}/records/{id}", () => {
  it("published records are public, with an ETag", async () => {
    const res = await view(null, w.p1.id);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: w.p1.id,
      title: "Alpha",
      tags: ["a", "b"],
      views: 10,
      published: true,
    });
    expect(res.body).not.toHaveProperty("secret");
    expect(res.headers.get("etag")).toMatch(/^W\/"[0-9a-f]+"$/);
  });

  it("the ETag hashes what the caller receives, never hidden columns (no offline brute force)", async () => {
    const guest = await view(null, w.p1.id);
    expect(guest.body).not.toHaveProperty("secret");
    expect(guest.headers.get("etag")).toBe(await hashEtag(guest.body));
    const su = await view(SUPERUSER, w.p1.id);
    expect(su.body.secret).toBe("s1");
    expect(su.headers.get("etag")).toBe(await hashEtag(su.body));
    expect(su.headers.get("etag")).not.toBe(guest.headers.get("etag"));
  });

  it("If-Match works with the ETag the caller was given (owner's PATCH: current 200, stale 412)", async () => {
    const path = `/api/collections/posts/records/${w.p1.id}`;
    const etag = (await view(asUser(w.alice), w.p1.id)).headers.get("etag") as string;
    const ok = await call(asUser(w.alice), "PATCH", path, { slug: "etag-1" }, { "if-match": etag });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("etag")).toBe(await hashEtag(ok.body));
    const stale = await call(asUser(w.alice), "PATCH", path, { slug: "etag-2" }, { "if-match": etag });
    expect(stale.status).toBe(412);
    const fresh = ok.headers.get("etag") as string;
    expect(
      (await call(asUser(w.alice), "PATCH", path, { slug: "etag-3" }, { "if-match": fresh })).status,
    ).toBe(200);
  });

  it("a draft is 404 for guests and other users, 200 for its owner and superusers", async () => {
    expect((await view(null, w.p2.id)).status).toBe(404);
    expect((await view(asUser(w.bob), w.p2.id)).status).toBe(404);
    expect((await view(asUser(w.alice), w.p2.id)).body.title).toBe("Beta draft");
    const su = await view(SUPERUSER, w.p2.id);
    expect(su.status).toBe(200);
    expect(su.body.secret).toBe("");
  });

  it("a missing record is 404 with the error shape", async () => {
    const res = await view(null, "zzzzzzzzzzzzzzz");
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ status: 404, message: expect.any(String), data: {} });
  });

  it("a locked viewRule is 403 for non-superusers", async () => {
    const su = await call(SUPERUSER, "GET", "/api/collections/locked/records");
    const id = su.body.items[0].id;
    expect((await call(null, "GET", `/api/collections/locked/records/${id}`)).status).toBe(403);
    expect((await call(SUPERUSER, "GET", `/api/collections/locked/records/${id}`)).status).toBe(200);
  });

  it("supports expand and fields", async () => {
    const res = await view(
      SUPERUSER,
      w.p1.id,
      "?expand=owner,comments_via_post&fields=id,expand.owner.name,expand.comments_via_post.message",
    );
    expect(res.body).toEqual({
      id: w.p1.id,
      expand: { owner: { name: "Alice" }, comments_via_post: [{ message: "first" }, { message: "second" }] },
    });
    expect((await view(null, w.p1.id, "?fields=title:excerpt(0)")).status).toBe(400);
  });

  it("finds collections by id too", async () => {
    const res = await call(null, "GET", `/api/collections/${w.posts.id}/records/${w.p1.id}`);
    expect(res.body.collectionName).toBe("posts");
  });
});
