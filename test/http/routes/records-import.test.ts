/** `POST /api/collections/{c}/records/import` (the target of `edgebase import pocketbase`) through the Worker. */
import { env } from "cloudflare:workers";
import { hashSync } from "bcryptjs";
import { beforeAll, describe, expect, it } from "vitest";
import { apiJson } from "../../helpers/request";
import { createSuperuser, freshIp, type Json, signIn, signUp } from "./auth-helpers";

let root: string;
let user: string;
const OLD_PASSWORD = "pocketbase password 1";
// PocketBase (Go) writes `$2a$` at cost 10.
const bcrypt10 = hashSync(OLD_PASSWORD, 10).replace(/^\$2b\$/, "$2a$");

async function post(path: string, body: unknown, token = root) {
  const res = await apiJson("POST", path, body, token ? { authorization: token } : {});
  return { status: res.status, body: (await res.json()) as Json };
}
const importInto = (c: string, records: Json[], token = root) =>
  post(`/api/collections/${c}/records/import`, { records }, token);

beforeAll(async () => {
  await createSuperuser("root@import.test");
  root = (await signIn("root@import.test", "_superusers")).token;
  await signUp("someone@import.test");
  user = (await signIn("someone@import.test")).token;
  const notes = await apiJson(
    "POST",
    "/api/collections",
    {
      name: "notes",
      type: "base",
      listRule: "",
      viewRule: "",
      fields: [
        { name: "title", type: "text", required: true },
        { name: "n", type: "number" },
        { name: "author", type: "relation", collectionId: "_pb_users_auth_", maxSelect: 1 },
        { name: "created", type: "autodate", onCreate: true, onUpdate: false },
        { name: "updated", type: "autodate", onCreate: true, onUpdate: true },
      ],
    },
    { authorization: root },
  );
  expect(notes.status).toBe(200);
});

describe("records import", () => {
  it("inserts users with their ids, timestamps and bcrypt hashes; the old password signs in once re-hashed", async () => {
    const res = await importInto("users", [
      {
        id: "pbuser000000001",
        email: "migrated@import.test",
        emailVisibility: false,
        verified: true,
        name: "Migrated",
        password: bcrypt10,
        tokenKey: "pb-token-key-0000000000000001",
        created: "2024-05-01 10:00:00.000Z",
        updated: "2024-05-02 11:00:00.123Z",
      },
    ]);
    expect(res).toEqual({ status: 200, body: { created: 1, updated: 0, unchanged: 0 } });
    const row = await env.DB.prepare("SELECT * FROM users WHERE id = ?")
      .bind("pbuser000000001")
      .first<Json>();
    expect(row).toMatchObject({ password: bcrypt10, verified: 1, created: "2024-05-01 10:00:00.000Z" });
    const auth = await signIn("migrated@import.test", "users", OLD_PASSWORD);
    expect(auth.record).toMatchObject({ id: "pbuser000000001", name: "Migrated", verified: true });
    const after = await env.DB.prepare("SELECT password FROM users WHERE id = ?")
      .bind("pbuser000000001")
      .first<{ password: string }>();
    expect(after?.password).toMatch(/^pbkdf2_sha256\$/);
    expect((await signIn("migrated@import.test", "users", OLD_PASSWORD)).record.id).toBe("pbuser000000001");
    // Re-running the import never puts the bcrypt hash (or an old tokenKey) back over the upgraded one.
    const again = await importInto("users", [
      {
        id: "pbuser000000001",
        email: "migrated@import.test",
        name: "Migrated",
        verified: true,
        password: bcrypt10,
        tokenKey: "pb-token-key-0000000000000001",
      },
    ]);
    expect(again.status).toBe(200);
    const kept = await env.DB.prepare("SELECT password FROM users WHERE id = ?")
      .bind("pbuser000000001")
      .first<Json>();
    expect(kept.password).toBe(after?.password);
    const wrong = await apiJson(
      "POST",
      "/api/collections/users/auth-with-password",
      { identity: "migrated@import.test", password: "not it at all" },
      { "cf-connecting-ip": freshIp() },
    );
    expect(wrong.status).toBe(400);
  });

  it("a second identical import changes nothing; a changed record is updated in place", async () => {
    const records = [
      {
        id: "note00000000001",
        title: "One",
        n: 1,
        author: "pbuser000000001",
        created: "2024-01-01 00:00:00.000Z",
        updated: "2024-01-01 00:00:00.000Z",
      },
      {
        id: "note00000000002",
        title: "Two",
        n: 2,
        created: "2024-01-02 00:00:00.000Z",
        updated: "2024-01-02 00:00:00.000Z",
      },
    ];
    expect((await importInto("notes", records)).body).toEqual({ created: 2, updated: 0, unchanged: 0 });
    expect((await importInto("notes", records)).body).toEqual({ created: 0, updated: 0, unchanged: 2 });
    const changed = [{ ...records[0], title: "One, edited" }, records[1]];
    expect((await importInto("notes", changed)).body).toEqual({ created: 0, updated: 1, unchanged: 1 });
    const rows = await env.DB.prepare("SELECT id, title, updated FROM notes ORDER BY id").all<Json>();
    expect(rows.results).toEqual([
      { id: "note00000000001", title: "One, edited", updated: "2024-01-01 00:00:00.000Z" },
      { id: "note00000000002", title: "Two", updated: "2024-01-02 00:00:00.000Z" },
    ]);
    const expanded = await apiJson(
      "GET",
      "/api/collections/notes/records/note00000000001?expand=author",
      undefined,
      {
        authorization: root,
      },
    );
    expect(((await expanded.json()) as Json).expand.author.name).toBe("Migrated");
  });

  it("refuses guests and non-superusers (403) and writes nothing", async () => {
    const record = [{ id: "note00000000009", title: "Nope" }];
    expect((await importInto("notes", record, "")).status).toBe(403);
    expect((await importInto("notes", record, user)).status).toBe(403);
    const none = await env.DB.prepare("SELECT count(*) AS n FROM notes WHERE id = ?")
      .bind("note00000000009")
      .first<Json>();
    expect(none.n).toBe(0);
  });

  it("hostile input is a 400 naming the record and field, and nothing is written", async () => {
    const bad = await importInto("notes", [
      { id: "note00000000010", title: "ok" },
      { id: "note00000000011", title: 5, n: "many", created: "not a date" },
      { title: "no id" },
    ]);
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.data).sort()).toEqual(["1.created", "1.n", "2.id"]);
    const plain = await importInto("users", [
      { id: "pbuser000000002", email: "p@import.test", password: "plain text password" },
    ]);
    expect(plain.status).toBe(400);
    expect(plain.body.data["0.password"].code).toBe("validation_invalid_value");
    const dup = await importInto("notes", [
      { id: "note00000000012", title: "a" },
      { id: "note00000000012", title: "b" },
    ]);
    expect(dup.status).toBe(400);
    const many = await importInto(
      "notes",
      Array.from({ length: 101 }, (_, i) => ({ id: `bulk${String(i).padStart(11, "0")}`, title: "x" })),
    );
    expect(many.status).toBe(400);
    for (const body of [{}, { records: "x" }, { records: [] }, { records: [null] }]) {
      expect((await post("/api/collections/notes/records/import", body)).status).toBe(400);
    }
    expect((await importInto("nosuch", [{ id: "x" }])).status).toBe(404);
    const count = await env.DB.prepare(
      "SELECT count(*) AS n FROM notes WHERE id IN ('note00000000010','note00000000012')",
    ).first<Json>();
    expect(count.n).toBe(0);
  });

  it("a duplicate unique value is a 400, never a 500, and the whole call is undone", async () => {
    const res = await importInto("users", [
      { id: "pbuser000000003", email: "fresh@import.test", password: bcrypt10 },
      { id: "pbuser000000004", email: "someone@import.test", password: bcrypt10 },
    ]);
    expect(res.status).toBe(400);
    const row = await env.DB.prepare(
      "SELECT count(*) AS n FROM users WHERE id = 'pbuser000000003'",
    ).first<Json>();
    expect(row.n).toBe(0);
  });
});
