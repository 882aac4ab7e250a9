import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { AuthRecord } from "../../../src/rules/context";
import { call, createCollection, type Json, request, SUPERUSER, seed, userAuth } from "../../records/harness";

// Rules that need joins and lookups: relations through multi-valued fields, @collection with aliases,
// @request.auth relations, @request.body/headers/query/method, hidden fields inside rules.
const users: Json[] = [];
let teamA: Json;
let teamB: Json;
let projA: Json;
let projB: Json;
const ids: Record<string, string> = {};

beforeAll(async () => {
  const org = await createCollection({
    name: "orgs",
    type: "base",
    viewRule: "",
    fields: [{ name: "name", type: "text" }],
  });
  const current = await call(SUPERUSER, "GET", "/api/collections/users");
  const fields = [
    ...current.body.fields,
    { name: "org", type: "relation", collectionId: org.id, maxSelect: 1 },
  ];
  const patched = await call(SUPERUSER, "PATCH", "/api/collections/users", { fields });
  if (patched.status !== 200) throw new Error(JSON.stringify(patched.body));
  const acme = await seed("orgs", { name: "Acme" });
  const other = await seed("orgs", { name: "Other" });
  ids.acme = acme.id;
  ids.other = other.id;
  for (const [i, orgId] of [acme.id, acme.id, other.id].entries()) {
    users.push(
      await seed("users", {
        email: `u${i}@example.com`,
        password: "password-123",
        passwordConfirm: "password-123",
        org: orgId,
      }),
    );
  }
  const teams = await createCollection({
    name: "teams",
    type: "base",
    fields: [
      { name: "name", type: "text" },
      { name: "members", type: "relation", collectionId: "_pb_users_auth_", maxSelect: 10 },
    ],
  });
  await createCollection({
    name: "projects",
    type: "base",
    listRule: "team.members ?= @request.auth.id",
    viewRule:
      '@collection.grants.user ?= @request.auth.id && @collection.grants.project ?= id && @collection.grants.level ?= "read"',
    createRule:
      '@request.auth.org.name = "Acme" && @request.body.name != "forbidden" && @request.headers.x_client = "app"',
    updateRule: '@request.method = "PATCH" && @request.query.confirm = "yes" && code = "open"',
    deleteRule: '@request.body.name:isset = false && code != ""',
    fields: [
      { name: "name", type: "text" },
      { name: "team", type: "relation", collectionId: teams.id, maxSelect: 1 },
      { name: "code", type: "text", hidden: true },
    ],
  });
  await createCollection({
    name: "grants",
    type: "base",
    fields: [
      { name: "user", type: "relation", collectionId: "_pb_users_auth_", maxSelect: 1 },
      { name: "project", type: "text" },
      { name: "level", type: "text" },
    ],
  });
  teamA = await seed("teams", { name: "A", members: [users[0].id, users[1].id] });
  teamB = await seed("teams", { name: "B", members: [users[2].id] });
  projA = await seed("projects", { name: "PA", team: teamA.id, code: "open" });
  projB = await seed("projects", { name: "PB", team: teamB.id, code: "closed" });
  // users[0] may read A; users[1] has a read grant for B and a write grant for A (aliases must not mix rows).
  await seed("grants", { user: users[0].id, project: projA.id, level: "read" });
  await seed("grants", { user: users[1].id, project: projB.id, level: "read" });
  await seed("grants", { user: users[1].id, project: projA.id, level: "write" });
});

const as = (i: number) => userAuth(users[i].id, { org: users[i].org, email: users[i].email });

describe("rules through relations and lookups", () => {
  it("a relation through a multi-valued field (team.members ?= me)", async () => {
    const names = async (i: number) =>
      (await call(as(i), "GET", "/api/collections/projects/records?sort=name")).body.items.map(
        (p: Json) => p.name,
      );
    expect(await names(0)).toEqual(["PA"]);
    expect(await names(1)).toEqual(["PA"]);
    expect(await names(2)).toEqual(["PB"]);
    expect((await call(null, "GET", "/api/collections/projects/records")).body.items).toEqual([]);
  });

  it("@collection conditions on one alias refer to the same joined row", async () => {
    const view = (i: number, id: string) => call(as(i), "GET", `/api/collections/projects/records/${id}`);
    expect((await view(0, projA.id)).status).toBe(200);
    expect((await view(1, projB.id)).status).toBe(200);
    // users[1] has a grant for A, but its level is "write": no single grant row satisfies all three terms.
    expect((await view(1, projA.id)).status).toBe(404);
    expect((await view(2, projA.id)).status).toBe(404);
  });

  it("@request.auth.<relation>.<field>, @request.body and @request.headers in a createRule", async () => {
    const post = (i: number, body: Json, headers: Record<string, string> = { "x-client": "app" }) =>
      call(as(i), "POST", "/api/collections/projects/records", body, headers);
    expect((await post(0, { name: "ok" })).status).toBe(200);
    expect((await post(2, { name: "other org" })).status).toBe(400);
    expect((await post(0, { name: "forbidden" })).status).toBe(400);
    expect((await post(0, { name: "no header" }, {})).status).toBe(400);
  });

  it("@request.method/query and hidden fields inside an updateRule", async () => {
    const patch = (id: string, query: string) =>
      call(as(0), "PATCH", `/api/collections/projects/records/${id}${query}`, { name: "x" });
    expect((await patch(projA.id, "")).status).toBe(404);
    expect((await patch(projA.id, "?confirm=yes")).status).toBe(200);
    expect((await patch(projB.id, "?confirm=yes")).status).toBe(404);
  });

  it(":isset on @request.body in a deleteRule", async () => {
    const created = await seed("projects", { name: "tmp", team: teamA.id, code: "x" });
    const path = `/api/collections/projects/records/${created.id}`;
    expect((await call(as(0), "DELETE", path, { name: "set" })).status).toBe(404);
    expect((await call(as(0), "DELETE", path)).status).toBe(204);
  });
});

describe("@request.body is typed by the fields", () => {
  it("form values compare as their field type in rules", async () => {
    await createCollection({
      name: "typed",
      createRule: "@request.body.views > 5",
      fields: [{ name: "views", type: "number" }],
    });
    const post = (views: string) => {
      const form = new FormData();
      form.append("views", views);
      return request(null, "POST", "/api/collections/typed/records", form);
    };
    // As text, "3" > 5 would hold in SQLite (TEXT sorts after INTEGER); as a number it does not.
    expect((await post("3")).status).toBe(400);
    expect((await post("7")).status).toBe(200);
  });
});

describe("auth collections", () => {
  let shown: Json;
  let hidden: Json;
  let admin: Json;

  beforeAll(async () => {
    await createCollection({
      name: "people",
      type: "auth",
      listRule: "",
      viewRule: "",
      // As in PocketBase, the manageRule adds powers on top of the updateRule; it does not replace it.
      updateRule: "id = @request.auth.id || @request.auth.role = 'admin'",
      manageRule: "@request.auth.role = 'admin'",
      fields: [{ name: "role", type: "text" }],
    });
    const make = (email: string, extra: Json = {}) =>
      seed("people", { email, password: "password-123", passwordConfirm: "password-123", ...extra });
    shown = await make("shown@example.com", { emailVisibility: true });
    hidden = await make("hidden@example.com");
    admin = await make("admin@example.com", { role: "admin" });
  });

  const person = (r: Json) => ({
    id: r.id,
    collectionId: r.collectionId,
    collectionName: "people",
    role: r.role,
  });
  const emails = async (auth: AuthRecord | null, filter: string) =>
    (
      await call(auth, "GET", `/api/collections/people/records?filter=${encodeURIComponent(filter)}`)
    ).body.items.map((p: Json) => p.id);

  it("client filters cannot probe emails the API would not return", async () => {
    expect(await emails(null, 'email = "shown@example.com"')).toEqual([shown.id]);
    expect(await emails(null, 'email = "hidden@example.com"')).toEqual([]);
    expect(await emails(null, 'email ~ "hidden"')).toEqual([]);
    expect(await emails(person(hidden), 'email = "hidden@example.com"')).toEqual([hidden.id]);
    expect(await emails(SUPERUSER, 'email = "hidden@example.com"')).toEqual([hidden.id]);
  });

  it("manageRule lets a manager change email and verified, and passwords without the old one", async () => {
    const path = `/api/collections/people/records/${hidden.id}`;
    const self = await call(person(hidden), "PATCH", path, { verified: true });
    expect(self.status).toBe(400);
    const managed = await call(person(admin), "PATCH", path, {
      verified: true,
      email: "moved@example.com",
      password: "password-456",
      passwordConfirm: "password-456",
    });
    expect(managed.status).toBe(200);
    expect(managed.body).toMatchObject({ verified: true });
    const row = await env.DB.prepare("SELECT email FROM people WHERE id = ?").bind(hidden.id).first<Json>();
    expect(row.email).toBe("moved@example.com");
    expect((await call(person(shown), "PATCH", path, { verified: false })).status).toBe(404);
  });
});

describe("parameter budget", () => {
  it("expands more related records than one statement can bind (chunked IN lists)", async () => {
    const many = await createCollection({
      name: "many",
      type: "base",
      listRule: "",
      viewRule: "",
      fields: [{ name: "items", type: "relation", collectionId: "_pb_users_auth_", maxSelect: 300 }],
    });
    const statements = Array.from({ length: 250 }, (_, i) =>
      env.DB.prepare("INSERT INTO users (id, email, tokenKey) VALUES (?, ?, ?)").bind(
        `bulk${String(i).padStart(11, "0")}`,
        `bulk${i}@example.com`,
        `key${i}`.padEnd(30, "x"),
      ),
    );
    await env.DB.batch(statements);
    const itemIds = Array.from({ length: 250 }, (_, i) => `bulk${String(i).padStart(11, "0")}`);
    const rec = await call(SUPERUSER, "POST", "/api/collections/many/records", { items: itemIds });
    expect(rec.status).toBe(200);
    const res = await call(
      SUPERUSER,
      "GET",
      `/api/collections/many/records/${rec.body.id}?expand=items&fields=expand.items.id`,
    );
    expect(res.status).toBe(200);
    expect(res.body.expand.items.map((u: Json) => u.id)).toEqual(itemIds);
    void many;
  });

  it("a rule that leaves no parameters for the statement is a 400, never a 500", async () => {
    const rule = Array.from({ length: 100 }, (_, i) => `name = "n${i}"`).join(" || ");
    await createCollection({
      name: "greedy",
      listRule: rule,
      viewRule: rule,
      fields: [{ name: "name", type: "text" }],
    });
    const rec = await seed("greedy", { name: "n1" });
    expect((await call(null, "GET", `/api/collections/greedy/records/${rec.id}`)).status).toBe(400);
    const list = await call(
      null,
      "GET",
      `/api/collections/greedy/records?filter=${encodeURIComponent('name = "n1"')}`,
    );
    expect(list.status).toBe(400);
  });

  it("oversized values and LIKE patterns are 400, never 500", async () => {
    const big = await call(SUPERUSER, "POST", "/api/collections/projects/records", {
      name: "x".repeat(2_100_000),
    });
    expect(big.status).toBe(400);
    const like = await call(
      SUPERUSER,
      "GET",
      `/api/collections/projects/records?filter=${encodeURIComponent(`name ~ "${"y".repeat(60)}"`)}`,
    );
    expect(like.status).toBe(400);
  });
});
