import { exports } from "cloudflare:workers";
import PocketBase, { ClientResponseError } from "pocketbase";
import { beforeAll, describe, expect, it } from "vitest";
import type { AuthRecord } from "../../src/rules/context";
import { asUser, buildWorld, type World } from "../records/fixtures";
import { type Json, request, SUPERUSER } from "../records/harness";

const BASE = "http://edgebase.test";
let w: World;

type Fetch = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

/** An SDK client whose requests go to `fetcher` instead of the network. */
function sdk(fetcher: Fetch): PocketBase {
  const pb = new PocketBase(BASE);
  pb.autoCancellation(false);
  pb.beforeSend = (url, options) => ({ url, options: { ...options, fetch: fetcher } });
  return pb;
}

/** The official SDK talking to the Worker's default export (guest: the default Worker has no test auth hook). */
function guestClient(): PocketBase {
  return sdk((input, init) => exports.default.fetch(new Request(input, init)));
}

/** The SDK acting as `auth` through the test app (same database, authenticate hook reading a test header). */
function clientAs(auth: AuthRecord): PocketBase {
  return sdk(async (input, init) => {
    const req = new Request(input, init);
    const body = req.method === "GET" || req.method === "DELETE" ? undefined : await req.text();
    return request(auth, req.method, req.url.slice(BASE.length), body, Object.fromEntries(req.headers));
  });
}

beforeAll(async () => {
  w = await buildWorld();
});

describe("pocketbase SDK against the Worker", () => {
  it("getList with filter, sort, expand and fields", async () => {
    const pb = guestClient();
    const page = await pb
      .collection("posts")
      .getList(1, 10, { filter: "views > 1", sort: "-views", expand: "comments_via_post" });
    expect(page.totalItems).toBe(2);
    expect(page.items.map((p) => p.title)).toEqual(["Alpha", "Gamma"]);
    expect(page.items[0]?.expand?.comments_via_post.map((c: Json) => c.message)).toEqual(["first", "second"]);
    const projected = await pb.collection("posts").getList(1, 1, { sort: "title", fields: "id,title" });
    expect(projected.items[0]).toEqual({ id: w.p1.id, title: "Alpha" });
  });

  it("getFullList and getFirstListItem", async () => {
    const pb = guestClient();
    const all = await pb.collection("posts").getFullList({ sort: "title", batch: 1 });
    expect(all.map((p) => p.title)).toEqual(["Alpha", "Gamma"]);
    const first = await pb.collection("posts").getFirstListItem(pb.filter("title = {:t}", { t: "Gamma" }));
    expect(first.id).toBe(w.p3.id);
  });

  it("pb.filter placeholders escape quotes safely", async () => {
    const pb = clientAs(SUPERUSER);
    // No backslash: PocketBase's lexer only unescapes quotes, so pb.filter (JSON escaping) does not
    // round-trip backslashes on PocketBase either.
    const tricky = `It's "quoted" and || title != ''`;
    const created = await pb.collection("posts").create({ title: tricky, owner: w.bob.id, published: true });
    const found = await pb
      .collection("posts")
      .getFullList({ filter: pb.filter("title = {:t}", { t: tricky }) });
    expect(found.map((p) => p.id)).toEqual([created.id]);
    await pb.collection("posts").delete(created.id);
  });

  it("getOne, create, update and delete with rules enforced", async () => {
    const bob = clientAs(asUser(w.bob));
    const created = await bob
      .collection("posts")
      .create({ title: "SDK", owner: w.bob.id, tags: ["a"] }, { expand: "owner" });
    expect(created).toMatchObject({ title: "SDK", collectionName: "posts", tags: ["a"] });
    const updated = await bob.collection("posts").update(created.id, { "views+": 2, "tags+": "b" });
    expect(updated).toMatchObject({ views: 2, tags: ["a", "b"] });
    expect((await bob.collection("posts").getOne(created.id)).views).toBe(2);
    const alice = clientAs(asUser(w.alice));
    await expect(alice.collection("posts").update(created.id, { title: "no" })).rejects.toMatchObject({
      status: 404,
    });
    expect(await bob.collection("posts").delete(created.id)).toBe(true);
    await expect(bob.collection("posts").getOne(created.id)).rejects.toMatchObject({ status: 404 });
  });

  it("ClientResponseError carries our error shape", async () => {
    const pb = guestClient();
    try {
      await pb.collection("posts").getList(1, 10, { filter: "nope = 1" });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ClientResponseError);
      const e = err as ClientResponseError;
      expect(e.status).toBe(400);
      expect(e.response).toMatchObject({
        status: 400,
        message: expect.any(String),
        data: { filter: { code: expect.any(String) } },
      });
    }
    await expect(pb.collection("locked").getList()).rejects.toMatchObject({ status: 403 });
    await expect(pb.collection("posts").getOne(w.p2.id)).rejects.toMatchObject({ status: 404 });
    const bob = clientAs(asUser(w.bob));
    const invalid = await bob
      .collection("posts")
      .create({ title: "x", owner: w.bob.id, views: "lots" })
      .catch((e: ClientResponseError) => e);
    expect((invalid as ClientResponseError).response.data.views.code).toEqual(
      expect.stringMatching(/^validation_/),
    );
  });

  it("createBatch: all or nothing", async () => {
    const bob = clientAs(asUser(w.bob));
    const batch = bob.createBatch();
    batch.collection("posts").create({ title: "Batch 1", owner: w.bob.id });
    batch.collection("posts").upsert({ id: "sdkupsert000001", title: "Batch 2", owner: w.bob.id });
    const results = await batch.send();
    expect(results.map((r) => r.status)).toEqual([200, 200]);
    expect(results[1]?.body.id).toBe("sdkupsert000001");

    const failing = bob.createBatch();
    failing.collection("posts").create({ title: "Never", owner: w.bob.id });
    failing.collection("posts").delete(w.p1.id);
    await expect(failing.send()).rejects.toMatchObject({ status: 400 });
    const pb = clientAs(SUPERUSER);
    expect(await pb.collection("posts").getFullList({ filter: 'title = "Never"' })).toEqual([]);
  });

  it("auth collection records are created through the SDK", async () => {
    const pb = guestClient();
    const hidden = await pb
      .collection("users")
      .create({ email: "sdk@example.com", password: "sdk-password", passwordConfirm: "sdk-password" });
    expect(hidden).toMatchObject({ collectionName: "users", emailVisibility: false, verified: false });
    expect(hidden).not.toHaveProperty("email");
    const user = await pb.collection("users").create({
      email: "sdk2@example.com",
      emailVisibility: true,
      password: "sdk-password",
      passwordConfirm: "sdk-password",
    });
    expect(user).toMatchObject({ email: "sdk2@example.com", emailVisibility: true });
    expect(user).not.toHaveProperty("password");
  });
});
