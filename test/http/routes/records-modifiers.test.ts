/** `@request.body` is what a write resolves to: modifier keys cannot slip past body rules; meaningless ones are 400. */
import { beforeAll, describe, expect, it } from "vitest";
import { call, createCollection, seed, userAuth } from "../../records/harness";

const ann = userAuth("ann000000000001");
const profiles = "/api/collections/profiles/records";
const teams = "/api/collections/teams/records";

beforeAll(async () => {
  await createCollection({
    name: "profiles",
    listRule: "",
    viewRule: "",
    createRule: "@request.body.role != 'admin' && @request.body.role:isset = false",
    updateRule: "@request.body.role:isset = false && @request.body.score:changed = false",
    fields: [
      { name: "role", type: "text" },
      { name: "score", type: "number" },
      { name: "email", type: "email" },
      { name: "ok", type: "bool" },
      { name: "meta", type: "json" },
      { name: "kind", type: "select", values: ["a", "b"], maxSelect: 1 },
    ],
  });
  await createCollection({
    name: "teams",
    listRule: "",
    viewRule: "",
    createRule: "@request.body.roles:each != 'admin'",
    updateRule: "@request.body.roles:each != 'admin' && @request.body.level < 10",
    fields: [
      { name: "roles", type: "select", values: ["admin", "member", "guest"], maxSelect: 3 },
      { name: "level", type: "number" },
    ],
  });
});

describe("modifier keys and @request.body", () => {
  it("refuses + and - on fields where they mean nothing, on create and update, in the error shape", async () => {
    for (const key of ["role+", "+role", "role-", "ok+", "email-", "meta+", "kind+", "+kind", "+score"]) {
      const created = await call(ann, "POST", profiles, { [key]: "admin" });
      expect(created.status, key).toBe(400);
      expect(created.body.data[key]?.code, key).toBe("validation_invalid_modifier");
    }
    const record = await seed("profiles", {});
    const updated = await call(ann, "PATCH", `${profiles}/${record.id}`, { "role+": "admin" });
    expect(updated.status).toBe(400);
    expect(updated.body).toMatchObject({
      status: 400,
      data: { "role+": { code: "validation_invalid_modifier" } },
    });
    const stored = await call(ann, "GET", `${profiles}/${record.id}`);
    expect(stored.body.role).toBe("");
  });

  it("a modifier sets @request.body of its field on create: :isset and value checks see it", async () => {
    expect((await call(ann, "POST", profiles, { "score+": 5 })).status).toBe(200);
    expect((await call(ann, "POST", teams, { "roles+": "admin" })).status).toBe(400);
    expect((await call(ann, "POST", teams, { "+roles": ["member", "admin"] })).status).toBe(400);
    const ok = await call(ann, "POST", teams, { "roles+": "member" });
    expect(ok.status).toBe(200);
    expect(ok.body.roles).toEqual(["member"]);
  });

  it("a modifier sets @request.body of its field on update: :changed, :each and value checks see it", async () => {
    const profile = await seed("profiles", { score: 1 });
    const bumped = await call(ann, "PATCH", `${profiles}/${profile.id}`, { "score+": 1 });
    expect(bumped.status).toBe(404);
    const same = await call(ann, "PATCH", `${profiles}/${profile.id}`, { "score+": 0 });
    expect(same.status).toBe(200);
    expect((await call(ann, "GET", `${profiles}/${profile.id}`)).body.score).toBe(1);

    const team = await seed("teams", { roles: ["member"], level: 8 });
    const path = `${teams}/${team.id}`;
    expect((await call(ann, "PATCH", path, { "roles+": "admin" })).status).toBe(404);
    expect((await call(ann, "PATCH", path, { "+roles": "admin" })).status).toBe(404);
    expect((await call(ann, "PATCH", path, { "level+": 2 })).status).toBe(404);
    const fine = await call(ann, "PATCH", path, { "level+": 1, "roles+": "guest" });
    expect(fine.status).toBe(200);
    expect(fine.body).toMatchObject({ level: 9, roles: ["member", "guest"] });
  });
});
