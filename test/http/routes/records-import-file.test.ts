/** `PUT /api/collections/{c}/records/{id}/files/{filename}` (how `edgebase import pocketbase` copies storage). */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { api, apiJson } from "../../helpers/request";
import { createSuperuser, type Json, signIn, signUp } from "./auth-helpers";

let root: string;
let user: string;
let collectionId: string;
/** A 1×1 PNG. */
const PNG = Uint8Array.from(
  atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="),
  (c) => c.charCodeAt(0),
);

const put = (path: string, body: BodyInit, token = root, type = "image/png") =>
  api(path, {
    method: "PUT",
    body,
    headers: { ...(token ? { authorization: token } : {}), ...(type ? { "content-type": type } : {}) },
  });
const fileUrl = (id: string, name: string) => `/api/collections/photos/records/${id}/files/${name}`;

beforeAll(async () => {
  await createSuperuser("root@files-import.test");
  root = (await signIn("root@files-import.test", "_superusers")).token;
  await signUp("someone@files-import.test");
  user = (await signIn("someone@files-import.test")).token;
  const res = await apiJson(
    "POST",
    "/api/collections",
    {
      name: "photos",
      listRule: "",
      viewRule: "",
      fields: [
        { name: "title", type: "text" },
        { name: "image", type: "file", maxSelect: 1, maxSize: 1000, mimeTypes: ["image/png"] },
        { name: "docs", type: "file", maxSelect: 3 },
      ],
    },
    { authorization: root },
  );
  expect(res.status).toBe(200);
  collectionId = ((await res.json()) as Json).id;
  const imported = await apiJson(
    "POST",
    "/api/collections/photos/records/import",
    {
      records: [
        { id: "photo0000000001", title: "one", image: "pic_abc123.png", docs: ["a_1.txt", "b_2.txt"] },
        { id: "photo0000000002", title: "two", image: "", docs: [] },
      ],
    },
    { authorization: root },
  );
  expect(imported.status).toBe(200);
});

describe("file import", () => {
  it("stores a file under the name its record holds; it is served; the same bytes again store nothing", async () => {
    const first = await put(fileUrl("photo0000000001", "pic_abc123.png"), PNG);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ stored: true });
    const served = await api(`/api/files/photos/photo0000000001/pic_abc123.png`);
    expect(served.status).toBe(200);
    expect(served.headers.get("content-type")).toBe("image/png");
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(PNG);
    const object = await env.FILES.head(`${collectionId}/photo0000000001/pic_abc123.png`);
    expect(object?.size).toBe(PNG.byteLength);

    const again = await put(fileUrl("photo0000000001", "pic_abc123.png"), PNG);
    expect(await again.json()).toEqual({ stored: false });
    const text = await put(fileUrl("photo0000000001", "b_2.txt"), "hello", root, "text/plain");
    expect(await text.json()).toEqual({ stored: true });
    const changed = await put(fileUrl("photo0000000001", "b_2.txt"), "hello again", root, "text/plain");
    expect(await changed.json()).toEqual({ stored: true });
    const read = await api(`/api/files/photos/photo0000000001/b_2.txt`);
    expect(await read.text()).toBe("hello again");
  });

  it("refuses other callers, unknown records and names, bad files, and views; nothing is stored", async () => {
    const cases: [string, Response, number][] = [
      ["guest", await put(fileUrl("photo0000000001", "a_1.txt"), "x", "", "text/plain"), 401],
      ["user", await put(fileUrl("photo0000000001", "a_1.txt"), "x", user, "text/plain"), 403],
      ["unknown record", await put(fileUrl("nope00000000000", "a_1.txt"), "x"), 404],
      ["name the record does not hold", await put(fileUrl("photo0000000002", "a_1.txt"), "x"), 404],
      ["unsafe name", await put(fileUrl("photo0000000001", "..%2F..%2Fescape.txt"), "x"), 404],
      ["unknown collection", await put("/api/collections/nope/records/a/files/a.txt", "x"), 404],
      ["too big", await put(fileUrl("photo0000000001", "pic_abc123.png"), new Uint8Array(2000)), 400],
      [
        "wrong type",
        await put(fileUrl("photo0000000001", "pic_abc123.png"), "<svg/>", root, "image/svg+xml"),
        400,
      ],
    ];
    for (const [what, res, status] of cases) {
      expect(res.status, what).toBe(status);
      const body = (await res.json()) as Json;
      expect(body, what).toMatchObject({ status, message: expect.any(String) });
    }
    const listed = await env.FILES.list({ prefix: `${collectionId}/` });
    expect(listed.objects.map((o) => o.key).sort()).toEqual([
      `${collectionId}/photo0000000001/b_2.txt`,
      `${collectionId}/photo0000000001/pic_abc123.png`,
    ]);
    // The replaced PNG is still the good one.
    const served = await api(`/api/files/photos/photo0000000001/pic_abc123.png`);
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(PNG);
  });
});
