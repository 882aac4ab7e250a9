/** Edge caching of public files (Cache API): hits skip R2, and nothing deleted, replaced or private is served. */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { fileCacheKey } from "../../../src/http/file-cache";
import { FaultyR2 } from "../../helpers/faulty-r2";
import { app, call, createCollection, type Json, SUPERUSER, seed, userAuth } from "../../records/harness";
import { BASE, PNG_1X1, sdkAs, text } from "./files-helpers";

/** The real bucket, its reads counted: a request served from the cache reads nothing. */
const r2 = new FaultyR2(env.FILES);
let pub: { id: string };
let guarded: { id: string };
let owner: Json;

/** A GET through the app with the counting bucket. */
async function get(url: string, headers: Record<string, string> = {}): Promise<Response> {
  return app.request(new Request(url, { headers }), undefined, { ...env, FILES: r2.binding });
}

function reads(): number {
  return r2.reads.get + r2.reads.head;
}

function keyOf(collectionId: string, rec: Json, filename: string, thumb = "", download = false): string {
  return fileCacheKey(BASE, { collectionId, recordId: rec.id, filename, thumb, download });
}

beforeAll(async () => {
  pub = await createCollection({
    name: "pubfiles",
    listRule: "",
    viewRule: "",
    createRule: "",
    updateRule: "",
    deleteRule: "",
    fields: [
      { name: "doc", type: "file" },
      { name: "image", type: "file", thumbs: ["10x10"] },
      { name: "secret", type: "file", protected: true },
    ],
  });
  guarded = await createCollection({
    name: "ownfiles",
    viewRule: "owner = @request.auth.id",
    createRule: "",
    fields: [
      { name: "owner", type: "text" },
      { name: "doc", type: "file" },
    ],
  });
  owner = await seed("users", {
    email: "fc@example.com",
    password: "password-c",
    passwordConfirm: "password-c",
  });
});

describe("public files in the edge cache", () => {
  it("a second GET is served from the cache with the same bytes and validators, without reading R2", async () => {
    const rec = await sdkAs(null)
      .collection("pubfiles")
      .create({ doc: new File([text("cached once")], "c.txt") });
    const url = `${BASE}/api/files/pubfiles/${rec.id}/${rec.doc}`;
    const before = reads();
    const first = await get(url);
    expect(first.status).toBe(200);
    expect(await first.text()).toBe("cached once");
    expect(reads()).toBe(before + 1);
    const second = await get(url);
    expect(second.status).toBe(200);
    expect(await second.text()).toBe("cached once");
    expect(reads()).toBe(before + 1);
    expect(second.headers.get("cf-cache-status")).toBe("HIT");
    for (const name of [
      "etag",
      "content-type",
      "content-disposition",
      "cache-control",
      "content-security-policy",
    ]) {
      expect(second.headers.get(name)).toBe(first.headers.get(name));
    }
    expect(second.headers.get("cache-control")).toBe("public, max-age=2592000");
    // The collection's id keys the entry, whatever the URL named.
    expect(await caches.default.match(keyOf(pub.id, rec, rec.doc))).toBeDefined();
    const byId = await get(`${BASE}/api/files/${pub.id}/${rec.id}/${rec.doc}`);
    expect(await byId.text()).toBe("cached once");
    expect(reads()).toBe(before + 1);
    // Validators are answered by the cache too.
    const etag = first.headers.get("etag") as string;
    const notModified = await get(url, { "if-none-match": etag });
    expect(notModified.status).toBe(304);
    expect(reads()).toBe(before + 1);
  });

  it("?download=1 and a listed thumb have their own entries; unlisted sizes share the original's", async () => {
    const rec = await sdkAs(null)
      .collection("pubfiles")
      .create({ image: new File([PNG_1X1], "p.png", { type: "image/png" }) });
    const url = `${BASE}/api/files/pubfiles/${rec.id}/${rec.image}`;
    expect((await get(url)).headers.get("content-disposition")).toMatch(/^inline/);
    let before = reads();
    const download = await get(`${url}?download=1`);
    expect(download.headers.get("content-disposition")).toMatch(/^attachment/);
    expect(reads()).toBeGreaterThan(before);
    before = reads();
    expect((await get(`${url}?download=1`)).headers.get("content-disposition")).toMatch(/^attachment/);
    expect((await get(`${url}?thumb=99x99`)).headers.get("content-disposition")).toMatch(/^inline/);
    expect(reads()).toBe(before);
    const thumb = await get(`${url}?thumb=10x10`);
    expect(thumb.status).toBe(200);
    const made = new Uint8Array(await thumb.arrayBuffer());
    expect(reads()).toBeGreaterThan(before);
    before = reads();
    const again = await get(`${url}?thumb=10x10`);
    expect(new Uint8Array(await again.arrayBuffer())).toEqual(made);
    expect(again.headers.get("content-disposition")).toBe(`inline; filename="10x10_${rec.image}"`);
    expect(reads()).toBe(before);
    expect(await caches.default.match(keyOf(pub.id, rec, rec.image, "10x10"))).toBeDefined();
  });

  it("a replaced file is a 404 although cached; the new name is served", async () => {
    const pb = sdkAs(null);
    const rec = await pb.collection("pubfiles").create({ doc: new File([text("old")], "v.txt") });
    const oldUrl = `${BASE}/api/files/pubfiles/${rec.id}/${rec.doc}`;
    expect(await (await get(oldUrl)).text()).toBe("old");
    expect(await caches.default.match(keyOf(pub.id, rec, rec.doc))).toBeDefined();
    const next = await pb.collection("pubfiles").update(rec.id, { doc: new File([text("new")], "v.txt") });
    expect(next.doc).not.toBe(rec.doc);
    const stale = await get(oldUrl);
    expect(stale.status).toBe(404);
    expect(await stale.json()).toMatchObject({ status: 404 });
    expect(await (await get(`${BASE}/api/files/pubfiles/${rec.id}/${next.doc}`)).text()).toBe("new");
  });

  it("a deleted record's file is a 404 although cached", async () => {
    const pb = sdkAs(null);
    const rec = await pb.collection("pubfiles").create({ doc: new File([text("gone")], "g.txt") });
    const url = `${BASE}/api/files/pubfiles/${rec.id}/${rec.doc}`;
    expect((await get(url)).status).toBe(200);
    expect(await caches.default.match(keyOf(pub.id, rec, rec.doc))).toBeDefined();
    await pb.collection("pubfiles").delete(rec.id);
    const res = await get(url);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ status: 404 });
  });

  it("a Range request is answered by R2 (206), not from the whole cached file", async () => {
    const rec = await sdkAs(null)
      .collection("pubfiles")
      .create({ doc: new File([text("0123456789")], "r.txt") });
    const url = `${BASE}/api/files/pubfiles/${rec.id}/${rec.doc}`;
    await (await get(url)).arrayBuffer();
    const before = reads();
    const part = await get(url, { range: "bytes=2-4" });
    expect(part.status).toBe(206);
    expect(await part.text()).toBe("234");
    expect(part.headers.get("content-range")).toBe("bytes 2-4/10");
    expect(reads()).toBeGreaterThan(before);
  });
});

describe("files that never enter the edge cache", () => {
  it("a protected file, even on a public record", async () => {
    const pb = sdkAs(userAuth(owner.id));
    const rec = await pb.collection("pubfiles").create({ secret: new File([text("classified")], "s.txt") });
    const token = await pb.files.getToken();
    const url = pb.files.getURL(rec, rec.secret, { token });
    const before = reads();
    for (let i = 0; i < 2; i++) {
      const res = await get(url);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe("classified");
      expect(res.headers.get("cache-control")).toBe("private, no-store");
      expect(res.headers.get("cf-cache-status")).toBeNull();
    }
    expect(reads()).toBe(before + 2);
    expect(await caches.default.match(keyOf(pub.id, rec, rec.secret))).toBeUndefined();
    // A public viewRule lets anyone pass, token or not (as in PocketBase); the file still stays out of the cache.
    const noToken = await get(pb.files.getURL(rec, rec.secret));
    expect(noToken.status).toBe(200);
    expect(noToken.headers.get("cache-control")).toBe("private, no-store");
    expect(await noToken.text()).toBe("classified");
    expect(reads()).toBe(before + 3);
    expect(await caches.default.match(keyOf(pub.id, rec, rec.secret))).toBeUndefined();
  });

  it("a file of a record whose viewRule is not public", async () => {
    const rec = await sdkAs(SUPERUSER)
      .collection("ownfiles")
      .create({ owner: owner.id, doc: new File([text("mine")], "m.txt") });
    const url = `${BASE}/api/files/ownfiles/${rec.id}/${rec.doc}`;
    const asOwner = { "x-test-auth": JSON.stringify(userAuth(owner.id)) };
    const before = reads();
    for (let i = 0; i < 2; i++) {
      const res = await get(url, asOwner);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe("mine");
    }
    expect(reads()).toBe(before + 2);
    expect(await caches.default.match(keyOf(guarded.id, rec, rec.doc))).toBeUndefined();
    expect((await get(url)).status).toBe(404);
  });

  it("a cached file stops being served when its collection's viewRule stops being public", async () => {
    await createCollection({
      name: "wasopen",
      viewRule: "",
      createRule: "",
      fields: [{ name: "doc", type: "file" }],
    });
    const rec = await sdkAs(null)
      .collection("wasopen")
      .create({ doc: new File([text("was public")], "w.txt") });
    const url = `${BASE}/api/files/wasopen/${rec.id}/${rec.doc}`;
    expect(await (await get(url)).text()).toBe("was public");
    const changed = await call(SUPERUSER, "PATCH", "/api/collections/wasopen", {
      viewRule: "@request.auth.id != ''",
    });
    expect(changed.status).toBe(200);
    const guest = await get(url);
    expect(guest.status).toBe(404);
    expect(await guest.json()).toMatchObject({ status: 404 });
  });
});
