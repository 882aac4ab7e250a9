/** Files end to end: SDK uploads (File, Blob, many, modifiers, batch), serving under viewRule, tokens, deletes. */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { call, createCollection, SUPERUSER, userAuth } from "../../records/harness";
import { BASE, fetchUrl, keysUnder, PNG_1X1, sdkAs, text } from "./files-helpers";

const OWNER = userAuth("owner0000000001");
const OTHER = userAuth("other0000000001");
let docs: { id: string };
let vault: { id: string };

beforeAll(async () => {
  docs = await createCollection({
    name: "docs",
    listRule: "",
    viewRule: "",
    createRule: "",
    updateRule: "",
    deleteRule: "",
    fields: [
      { name: "title", type: "text" },
      { name: "attachment", type: "file", maxSelect: 1, maxSize: 1000 },
      { name: "gallery", type: "file", maxSelect: 3, mimeTypes: ["image/png", "text/plain"] },
    ],
  });
  vault = await createCollection({
    name: "vault",
    listRule: "owner = @request.auth.id",
    viewRule: "owner = @request.auth.id",
    createRule: "",
    updateRule: "owner = @request.auth.id",
    deleteRule: "owner = @request.auth.id",
    fields: [
      { name: "owner", type: "text" },
      { name: "secret", type: "file", protected: true },
      { name: "plain", type: "file" },
    ],
  });
});

describe("uploads through the SDK", () => {
  it("the issue's snippet: create with a File, then fetch getURL", async () => {
    const pb = sdkAs(null);
    const rec = await pb
      .collection("docs")
      .create({ title: "a", attachment: new File([text("hello pdf")], "report.pdf") });
    expect(rec.attachment).toMatch(/^report_[a-z0-9]{10}\.pdf$/);
    const res = await fetchUrl(pb.files.getURL(rec, rec.attachment));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("hello pdf");
    expect(res.headers.get("content-disposition")).toBe(`inline; filename="${rec.attachment}"`);
    expect(await keysUnder(`${docs.id}/${rec.id}/`)).toEqual([`${docs.id}/${rec.id}/${rec.attachment}`]);
  });

  it("a Blob, and several files with their content types sniffed", async () => {
    const pb = sdkAs(null);
    const rec = await pb.collection("docs").create({
      gallery: [new Blob([PNG_1X1], { type: "image/png" }), new File([text("notes")], "Notes Final.TXT")],
    });
    expect(rec.gallery).toHaveLength(2);
    expect(rec.gallery[0]).toMatch(/^blob_[a-z0-9]{10}$|^[a-z0-9_]+_[a-z0-9]{10}$/);
    expect(rec.gallery[1]).toMatch(/^notes_final_[a-z0-9]{10}\.txt$/);
    const png = await fetchUrl(pb.files.getURL(rec, rec.gallery[0]));
    expect(png.headers.get("content-type")).toBe("image/png");
    expect(new Uint8Array(await png.arrayBuffer())).toEqual(PNG_1X1);
    const txt = await fetchUrl(pb.files.getURL(rec, rec.gallery[1]));
    expect(txt.headers.get("content-type")).toBe("text/plain");
  });

  it("field+ appends, field- removes and deletes the object after the commit", async () => {
    const pb = sdkAs(null);
    const rec = await pb.collection("docs").create({ gallery: [new File([text("one")], "one.txt")] });
    const [first] = rec.gallery;
    const appended = await pb
      .collection("docs")
      .update(rec.id, { "gallery+": new File([text("two")], "two.txt") });
    expect(appended.gallery).toHaveLength(2);
    expect(appended.gallery[0]).toBe(first);
    const prepended = await pb
      .collection("docs")
      .update(rec.id, { "+gallery": new File([text("zero")], "zero.txt") });
    expect(prepended.gallery).toHaveLength(3);
    expect(prepended.gallery[0]).toMatch(/^zero_/);
    const removed = await pb.collection("docs").update(rec.id, { "gallery-": [first] });
    expect(removed.gallery).toEqual(prepended.gallery.filter((n: string) => n !== first));
    expect(await env.FILES.head(`${docs.id}/${rec.id}/${first}`)).toBeNull();
    expect((await keysUnder(`${docs.id}/${rec.id}/`)).sort()).toEqual(
      removed.gallery.map((n: string) => `${docs.id}/${rec.id}/${n}`).sort(),
    );
  });

  it("replacing a single file deletes the old object; a cleared field deletes it too", async () => {
    const pb = sdkAs(null);
    const rec = await pb.collection("docs").create({ attachment: new File([text("v1")], "a.txt") });
    const next = await pb.collection("docs").update(rec.id, { attachment: new File([text("v2")], "a.txt") });
    expect(next.attachment).not.toBe(rec.attachment);
    expect(await keysUnder(`${docs.id}/${rec.id}/`)).toEqual([`${docs.id}/${rec.id}/${next.attachment}`]);
    const cleared = await pb.collection("docs").update(rec.id, { attachment: null });
    expect(cleared.attachment).toBe("");
    expect(await keysUnder(`${docs.id}/${rec.id}/`)).toEqual([]);
  });

  it("batch create and update with files (requests.N.field parts)", async () => {
    const pb = sdkAs(null);
    const existing = await pb.collection("docs").create({ title: "b" });
    const batch = pb.createBatch();
    batch.collection("docs").create({ title: "in batch", attachment: new File([text("x")], "x.txt") });
    batch
      .collection("docs")
      .update(existing.id, { gallery: [new File([text("y")], "y.txt"), new File([text("z")], "z.txt")] });
    const [created, updated] = await batch.send();
    expect(created?.status).toBe(200);
    expect(created?.body.attachment).toMatch(/^x[a-z0-9]{10}_[a-z0-9]{10}\.txt$/);
    expect(updated?.body.gallery).toHaveLength(2);
    const res = await fetchUrl(pb.files.getURL(updated?.body, updated?.body.gallery[1]));
    expect(await res.text()).toBe("z");
  });

  it("names the client sends as strings cannot point at files the record does not hold", async () => {
    const pb = sdkAs(null);
    const a = await pb.collection("docs").create({ attachment: new File([text("mine")], "mine.txt") });
    const b = await pb.collection("docs").create({ title: "thief", attachment: a.attachment });
    expect(b.attachment).toBe("");
    const c = await pb
      .collection("docs")
      .update(b.id, { attachment: a.attachment, "gallery+": [a.attachment] });
    expect(c.attachment).toBe("");
    expect(c.gallery).toEqual([]);
    const kept = await pb.collection("docs").update(a.id, { title: "kept", attachment: a.attachment });
    expect(kept.attachment).toBe(a.attachment);
  });

  it("deleting a record deletes its objects", async () => {
    const pb = sdkAs(null);
    const rec = await pb.collection("docs").create({ attachment: new File([text("bye")], "bye.txt") });
    expect(await keysUnder(`${docs.id}/${rec.id}/`)).toHaveLength(1);
    await pb.collection("docs").delete(rec.id);
    expect(await keysUnder(`${docs.id}/${rec.id}/`)).toEqual([]);
  });
});

describe("serving", () => {
  it("download=1, ETag with If-None-Match 304, Last-Modified, Range 206, unsatisfiable 416", async () => {
    const pb = sdkAs(null);
    const rec = await pb
      .collection("docs")
      .create({ attachment: new File([text("0123456789")], "digits.txt") });
    const url = pb.files.getURL(rec, rec.attachment, { download: true });
    const res = await fetchUrl(url);
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="${rec.attachment}"`);
    const etag = res.headers.get("etag") as string;
    expect(etag).toMatch(/^".+"$/);
    expect(new Date(res.headers.get("last-modified") as string).getTime()).toBeGreaterThan(0);
    expect(res.headers.get("cache-control")).toMatch(/^public/);
    await res.arrayBuffer();
    const cached = await fetchUrl(url, { headers: { "if-none-match": etag } });
    expect(cached.status).toBe(304);
    const part = await fetchUrl(url, { headers: { range: "bytes=2-4" } });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe("bytes 2-4/10");
    expect(await part.text()).toBe("234");
    const tail = await fetchUrl(url, { headers: { range: "bytes=-3" } });
    expect(await tail.text()).toBe("789");
    const bad = await fetchUrl(url, { headers: { range: "bytes=50-60" } });
    expect(bad.status).toBe(416);
    expect(await bad.json()).toMatchObject({ status: 416 });
  });

  it("404 in the error shape for a missing collection, record or file, and a file of another record", async () => {
    const pb = sdkAs(null);
    const a = await pb.collection("docs").create({ attachment: new File([text("a")], "a.txt") });
    const b = await pb.collection("docs").create({ title: "b" });
    for (const path of [
      `/api/files/nope/${a.id}/${a.attachment}`,
      `/api/files/docs/missing00000000/${a.attachment}`,
      `/api/files/docs/${a.id}/other_abcdefghij.txt`,
      `/api/files/docs/${b.id}/${a.attachment}`,
      `/api/files/docs/${a.id}/..%2F..%2Fetc`,
    ]) {
      const res = await fetchUrl(BASE + path);
      expect(res.status, path).toBe(404);
      expect(await res.json()).toMatchObject({ status: 404, message: expect.any(String), data: {} });
    }
  });

  it("HTML and SVG uploads are attachments under a sandboxing CSP", async () => {
    const pb = sdkAs(null);
    const rec = await pb
      .collection("docs")
      .create({ attachment: new File([text("<svg onload=alert(1)></svg>")], "x.svg") });
    const res = await fetchUrl(pb.files.getURL(rec, rec.attachment));
    expect(res.headers.get("content-type")).toBe("image/svg+xml");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment;/);
    expect(res.headers.get("content-security-policy")).toContain("sandbox");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("the viewRule applies: other users and guests get 404", async () => {
    const rec = await sdkAs(OWNER)
      .collection("vault")
      .create({ owner: OWNER.id, plain: new File([text("p")], "p.txt") });
    const path = `/api/files/vault/${rec.id}/${rec.plain}`;
    expect((await fetchUrl(BASE + path)).status).toBe(404);
    const asOther = await fetchUrl(BASE + path, { headers: { "x-test-auth": JSON.stringify(OTHER) } });
    expect(asOther.status).toBe(404);
    const asOwner = await fetchUrl(BASE + path, { headers: { "x-test-auth": JSON.stringify(OWNER) } });
    expect(asOwner.status).toBe(200);
    expect(asOwner.headers.get("cache-control")).toBe("private, no-store");
    expect(await keysUnder(`${vault.id}/${rec.id}/`)).toEqual([`${vault.id}/${rec.id}/${rec.plain}`]);
  });
});

describe("protected files and file tokens", () => {
  it("POST /api/files/token needs a signed-in caller", async () => {
    const res = await call(null, "POST", "/api/files/token");
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ status: 401 });
  });

  it("a protected file is served only with ?token= of a caller passing the viewRule, privately", async () => {
    const pb = sdkAs(SUPERUSER);
    const rec = await pb
      .collection("vault")
      .create({ owner: "u1", secret: new File([text("top")], "s.txt") });
    const noToken = await fetchUrl(pb.files.getURL(rec, rec.secret), {
      headers: { "x-test-auth": JSON.stringify(SUPERUSER) },
    });
    expect(noToken.status).toBe(403);
    expect(await noToken.json()).toMatchObject({ status: 403 });
    const bogus = await fetchUrl(pb.files.getURL(rec, rec.secret, { token: "not-a-token" }));
    expect(bogus.status).toBe(403);
  });
});
