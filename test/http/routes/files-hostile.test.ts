/** Hostile uploads and file tokens: every refused upload is a 400 naming its field and leaves nothing stored. */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { signToken } from "../../../src/auth/tokens";
import { call, createCollection, type Json, request, SUPERUSER, userAuth } from "../../records/harness";
import { BASE, fetchUrl, keysUnder, PNG_1X1, sdkAs, seedAliceAndBob, text } from "./files-helpers";

let coll: { id: string };
let alice: Json;
let bob: Json;

beforeAll(async () => {
  coll = await createCollection({
    name: "hostile",
    listRule: "",
    viewRule: "owner = @request.auth.id",
    createRule: "@request.auth.id != ''",
    updateRule: "owner = @request.auth.id",
    deleteRule: "owner = @request.auth.id",
    fields: [
      { name: "owner", type: "text" },
      { name: "title", type: "text" },
      { name: "image", type: "file", maxSize: 1000, mimeTypes: ["image/png"] },
      { name: "many", type: "file", maxSelect: 2 },
      { name: "secret", type: "file", protected: true },
    ],
  });
  [alice, bob] = await seedAliceAndBob("f");
});

function form(parts: [string, string | Blob, string?][]): FormData {
  const f = new FormData();
  for (const [k, v, name] of parts) {
    if (typeof v === "string") f.append(k, v);
    else f.append(k, v, name);
  }
  return f;
}

async function createAs(auth: Json, body: FormData) {
  return call(auth, "POST", "/api/collections/hostile/records", body);
}

async function nothingStored() {
  expect(await keysUnder(`${coll.id}/`)).toEqual([]);
  const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM hostile").first<{ n: number }>();
  expect(row?.n).toBe(0);
}

describe("hostile uploads", () => {
  const ALICE = () => userAuth(alice.id);

  it("a wrong magic number under an allowed type", async () => {
    const res = await createAs(
      ALICE(),
      form([["image", new Blob(["<script>1</script>"], { type: "image/png" }), "x.png"]]),
    );
    expect(res.status).toBe(400);
    expect(res.body.data.image.code).toBe("validation_invalid_mime_type");
    await nothingStored();
  });

  it("a real PNG declared as another type", async () => {
    const res = await createAs(
      ALICE(),
      form([["image", new Blob([PNG_1X1], { type: "image/gif" }), "x.gif"]]),
    );
    expect(res.status).toBe(400);
    expect(res.body.data.image.code).toBe("validation_invalid_mime_type");
    await nothingStored();
  });

  it("an oversized part", async () => {
    const big = new Uint8Array(1001);
    big.set(PNG_1X1);
    const res = await createAs(ALICE(), form([["image", new Blob([big], { type: "image/png" }), "big.png"]]));
    expect(res.status).toBe(400);
    expect(res.body.data.image.code).toBe("validation_file_size_limit");
    await nothingStored();
  });

  it("too many files for a field, and too many parts", async () => {
    const files: [string, Blob, string][] = [1, 2, 3].map((i) => ["many", new Blob([`f${i}`]), `f${i}.txt`]);
    const res = await createAs(ALICE(), form(files));
    expect(res.status).toBe(400);
    expect(res.body.data.many.code).toBe("validation_too_many_values");
    const parts = new FormData();
    for (let i = 0; i < 1001; i++) parts.append("title", "x");
    const flood = await createAs(ALICE(), parts);
    expect(flood.status).toBe(400);
    await nothingStored();
  });

  it("a file under a non-file field", async () => {
    const res = await createAs(ALICE(), form([["title", new Blob(["x"]), "x.txt"]]));
    expect(res.status).toBe(400);
    expect(res.body.data.title.code).toBe("validation_invalid_value");
    await nothingStored();
  });

  it("a truncated multipart body", async () => {
    const body = `--b\r\ncontent-disposition: form-data; name="many"; filename="a.txt"\r\n\r\nabc`;
    const res = await request(ALICE(), "POST", "/api/collections/hostile/records", body, {
      "content-type": "multipart/form-data; boundary=b",
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ status: 400 });
    await nothingStored();
  });

  it("a guest failing the createRule, and another user's record on update", async () => {
    const guest = await createAs(null, form([["many", new Blob(["g"]), "g.txt"]]));
    expect(guest.status).toBe(400);
    await nothingStored();
    const mine = await createAs(ALICE(), form([["owner", alice.id]]));
    expect(mine.status).toBe(200);
    const theirs = await call(
      userAuth(bob.id),
      "PATCH",
      `/api/collections/hostile/records/${mine.body.id}`,
      form([["many", new Blob(["b"]), "b.txt"]]),
    );
    expect(theirs.status).toBe(404);
    expect(await keysUnder(`${coll.id}/`)).toEqual([]);
    await call(SUPERUSER, "DELETE", `/api/collections/hostile/records/${mine.body.id}`);
  });

  it("hostile file names are reduced to safe stored names (as PocketBase, not refused)", async () => {
    const names = [
      "../../etc/passwd",
      "a\u0000b.txt",
      `${"x".repeat(300)}.txt`,
      "\u202Etxt.exe",
      "..",
      "C:\\win\\evil.txt",
    ];
    const res = await createAs(ALICE(), form([["owner", alice.id]]));
    expect(res.status).toBe(200);
    const statuses: number[] = [];
    for (const name of names) {
      const f = form([["many", new Blob(["n"]), name]]);
      const r = await call(userAuth(alice.id), "PATCH", `/api/collections/hostile/records/${res.body.id}`, f);
      statuses.push(r.status);
      // workerd's form parser refuses some of these outright (a 400 that stores nothing); the rest are renamed.
      if (r.status !== 200) {
        expect(r.status, name).toBe(400);
        continue;
      }
      const stored = r.body.many[0] as string;
      expect(stored, name).toMatch(/^[a-z0-9_]{1,121}(\.[a-z0-9]{1,19})?$/);
    }
    expect(statuses[0]).toBe(200);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(4);
    for (const key of await keysUnder(`${coll.id}/`)) expect(key.split("/")).toHaveLength(3);
    await call(SUPERUSER, "DELETE", `/api/collections/hostile/records/${res.body.id}`);
    expect(await keysUnder(`${coll.id}/`)).toEqual([]);
  });

  it("a batch file part naming no request", async () => {
    const f = new FormData();
    f.append(
      "@jsonPayload",
      JSON.stringify({ requests: [{ method: "POST", url: "/api/collections/hostile/records" }] }),
    );
    f.append("requests.5.many", new Blob(["x"]), "x.txt");
    const res = await call(ALICE(), "POST", "/api/batch", f);
    expect(res.status).toBe(400);
    await nothingStored();
  });
});

describe("file tokens", () => {
  async function secretOf(collectionId: string): Promise<string> {
    const row = await env.DB.prepare("SELECT options FROM _collections WHERE id = ?")
      .bind(collectionId)
      .first<{ options: string }>();
    return JSON.parse(row?.options ?? "{}").tokenSecret;
  }
  async function tokenKeyOf(id: string): Promise<string> {
    const row = await env.DB.prepare("SELECT tokenKey FROM users WHERE id = ?")
      .bind(id)
      .first<{ tokenKey: string }>();
    return row?.tokenKey ?? "";
  }

  it("the SDK's getFileToken + getURL({ token }) serves a protected file to its viewer only", async () => {
    const owner = sdkAs(userAuth(alice.id));
    const rec = await owner
      .collection("hostile")
      .create({ owner: alice.id, secret: new File([text("classified")], "c.txt") });
    const token = await owner.files.getToken();
    expect(token.split(".")).toHaveLength(3);
    const ok = await fetchUrl(owner.files.getURL(rec, rec.secret, { token }));
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe("classified");
    expect(ok.headers.get("cache-control")).toMatch(/^private/);
    // The owner's access header is not enough for a protected file (a URL in <img> carries no header).
    const header = await fetchUrl(owner.files.getURL(rec, rec.secret), {
      headers: { "x-test-auth": JSON.stringify(userAuth(alice.id)) },
    });
    expect(header.status).toBe(403);
    const bobToken = await sdkAs(userAuth(bob.id)).files.getToken();
    const other = await fetchUrl(owner.files.getURL(rec, rec.secret, { token: bobToken }));
    expect(other.status).toBe(403);
    expect(await other.json()).toMatchObject({ status: 403 });
  });

  it("expired file tokens and access tokens in ?token= are refused", async () => {
    const rec = await sdkAs(userAuth(alice.id))
      .collection("hostile")
      .create({ owner: alice.id, secret: new File([text("s")], "s.txt") });
    const url = `${BASE}/api/files/hostile/${rec.id}/${rec.secret}`;
    const secret = await secretOf("_pb_users_auth_");
    const tokenKey = await tokenKeyOf(alice.id);
    const base = { sub: alice.id, collectionId: "_pb_users_auth_" };
    const expired = await signToken("file", base, { secret, tokenKey, now: new Date(Date.now() - 600_000) });
    expect((await fetchUrl(`${url}?token=${expired}`)).status).toBe(403);
    const access = await signToken("auth", { ...base, sid: "s1", refreshable: true }, { secret, tokenKey });
    expect((await fetchUrl(`${url}?token=${access}`)).status).toBe(403);
    const fresh = await signToken("file", base, { secret, tokenKey });
    expect((await fetchUrl(`${url}?token=${fresh}`)).status).toBe(200);
  });
});
