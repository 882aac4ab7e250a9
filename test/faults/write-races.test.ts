/**
 * Writes racing each other in the window between planning and commit, reproduced deterministically on the
 * real D1 binding: a create of a child against its parent's cascade delete (in both orders) leaves no orphan,
 * and a batch whose row changed under it is re-planned like a single write instead of failing.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { AuthRecord } from "../../src/rules/context";
import { InterleavedD1 } from "../helpers/interleave-d1";
import { app, call, createCollection, type Json, SUPERUSER, seed, userAuth } from "../records/harness";

/** A signed-in caller: rules apply to it (they do not to the superuser). */
const USER = userAuth("racer000000001");

const db = new InterleavedD1(env.DB);
const OPEN = { listRule: "", viewRule: "", createRule: "", updateRule: "", deleteRule: "" };

/** A request (the superuser's unless `auth` says) through the app whose D1 binding runs the armed hook. */
async function interleaved(method: string, path: string, body?: unknown, auth: AuthRecord = SUPERUSER) {
  const res = await app.request(
    `http://edgebase.test${path}`,
    {
      method,
      headers: { "content-type": "application/json", "x-test-auth": JSON.stringify(auth) },
      body: body === undefined ? undefined : JSON.stringify(body),
    },
    { ...env, DB: db.binding },
  );
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as Json };
}

/** Children whose parent no longer exists. */
async function orphans(child: string, parent: string): Promise<string[]> {
  const { results } = await env.DB.prepare(
    `SELECT c.id FROM "${child}" c WHERE c.parent != '' AND NOT EXISTS (SELECT 1 FROM "${parent}" p WHERE p.id = c.parent)`,
  ).all<{ id: string }>();
  return results.map((r) => r.id);
}

beforeAll(async () => {
  const parents = await createCollection({ name: "race_parents", type: "base", ...OPEN, fields: [] });
  await createCollection({
    name: "race_children",
    type: "base",
    ...OPEN,
    fields: [
      { name: "title", type: "text" },
      {
        name: "parent",
        type: "relation",
        collectionId: parents.id,
        maxSelect: 1,
        cascadeDelete: true,
      },
    ],
  });
  await createCollection({
    name: "race_tags",
    type: "base",
    ...OPEN,
    fields: [{ name: "parents", type: "relation", collectionId: parents.id, maxSelect: 5 }],
  });
  await createCollection({
    name: "race_counters",
    type: "base",
    ...OPEN,
    // A rule reading the body makes `n+` depend on the row's version (the modifier resolves against it).
    updateRule: "@request.body.n < 1000",
    fields: [
      { name: "n", type: "number" },
      { name: "label", type: "text" },
    ],
  });
});

describe("create vs cascade delete", () => {
  it("a child created after the delete read its dependants is deleted with its parent (the delete re-plans)", async () => {
    const parent = await seed("race_parents", {});
    const early = await seed("race_children", { title: "early", parent: parent.id });
    let sneaked: Json;
    db.before(/^DELETE FROM `race_parents`/, async () => {
      sneaked = await call(SUPERUSER, "POST", "/api/collections/race_children/records", {
        title: "sneaked",
        parent: parent.id,
      });
    });
    const res = await interleaved("DELETE", `/api/collections/race_parents/records/${parent.id}`);
    expect(db.ran).toBe(1);
    expect(sneaked.status).toBe(200);
    expect(res.status).toBe(204);
    expect(await orphans("race_children", "race_parents")).toEqual([]);
    const left = await call(
      SUPERUSER,
      "GET",
      `/api/collections/race_children/records?filter=${encodeURIComponent(`id = '${early.id}' || id = '${sneaked.body.id}'`)}`,
    );
    expect(left.body.totalItems).toBe(0);
  });

  it("a multi-relation reference added after the read is cleared too", async () => {
    const parent = await seed("race_parents", {});
    const other = await seed("race_parents", {});
    const tag = await seed("race_tags", { parents: [other.id] });
    db.before(/^DELETE FROM `race_parents`/, async () => {
      const patched = await call(SUPERUSER, "PATCH", `/api/collections/race_tags/records/${tag.id}`, {
        "parents+": parent.id,
      });
      expect(patched.status).toBe(200);
    });
    const res = await interleaved("DELETE", `/api/collections/race_parents/records/${parent.id}`);
    expect(db.ran).toBe(1);
    expect(res.status).toBe(204);
    const after = await call(SUPERUSER, "GET", `/api/collections/race_tags/records/${tag.id}`);
    expect(after.body.parents).toEqual([other.id]);
  });

  it("a create whose parent is deleted after its relation check is a 400, and stores nothing", async () => {
    const parent = await seed("race_parents", {});
    db.before(/^INSERT INTO `race_children`/, async () => {
      const deleted = await call(SUPERUSER, "DELETE", `/api/collections/race_parents/records/${parent.id}`);
      expect(deleted.status).toBe(204);
    });
    const res = await interleaved("POST", "/api/collections/race_children/records", {
      title: "late",
      parent: parent.id,
    });
    expect(db.ran).toBe(1);
    expect(res.status).toBe(400);
    expect(res.body.data.parent.code).toBe("validation_missing_rel_records");
    expect(await orphans("race_children", "race_parents")).toEqual([]);
  });

  it("an update linking a parent deleted after its relation check is a 400, and changes nothing", async () => {
    const parent = await seed("race_parents", {});
    const child = await seed("race_children", { title: "unlinked" });
    db.before(/^UPDATE `race_children`/, async () => {
      await call(SUPERUSER, "DELETE", `/api/collections/race_parents/records/${parent.id}`);
    });
    const res = await interleaved("PATCH", `/api/collections/race_children/records/${child.id}`, {
      parent: parent.id,
    });
    expect(db.ran).toBe(1);
    expect(res.status).toBe(400);
    expect(res.body.data.parent.code).toBe("validation_missing_rel_records");
    expect(await orphans("race_children", "race_parents")).toEqual([]);
  });
});

describe("batches re-plan on row conflicts", () => {
  it("a batch whose row changed between planning and commit is planned again and applies, as a single write does", async () => {
    const counter = await seed("race_counters", { n: 1 });
    db.before(/^UPDATE `race_counters`/, async () => {
      const concurrent = await call(
        SUPERUSER,
        "PATCH",
        `/api/collections/race_counters/records/${counter.id}`,
        {
          n: 10,
        },
      );
      expect(concurrent.status).toBe(200);
    });
    const res = await interleaved(
      "POST",
      "/api/batch",
      {
        requests: [
          { method: "PATCH", url: `/api/collections/race_counters/records/${counter.id}`, body: { "n+": 5 } },
          { method: "POST", url: "/api/collections/race_counters/records", body: { label: "same batch" } },
        ],
      },
      USER,
    );
    expect(db.ran).toBe(1);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body[0].status).toBe(200);
    expect(res.body[0].body.n).toBe(15);
    const after = await call(SUPERUSER, "GET", `/api/collections/race_counters/records/${counter.id}`);
    expect(after.body.n).toBe(15);
    const created = await call(
      SUPERUSER,
      "GET",
      `/api/collections/race_counters/records?filter=${encodeURIComponent("label = 'same batch'")}`,
    );
    expect(created.body.totalItems).toBe(1);
  });

  it("a batch whose rule no longer matches after a concurrent change still fails whole, with the rule's 404", async () => {
    const counter = await seed("race_counters", { n: 1 });
    db.before(/^UPDATE `race_counters`/, async () => {
      await call(SUPERUSER, "PATCH", `/api/collections/race_counters/records/${counter.id}`, { n: 999 });
    });
    const res = await interleaved(
      "POST",
      "/api/batch",
      {
        requests: [
          { method: "POST", url: "/api/collections/race_counters/records", body: { label: "never" } },
          { method: "PATCH", url: `/api/collections/race_counters/records/${counter.id}`, body: { "n+": 5 } },
        ],
      },
      USER,
    );
    expect(db.ran).toBe(1);
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.data.requests["1"].response.status).toBe(404);
    const none = await call(
      SUPERUSER,
      "GET",
      `/api/collections/race_counters/records?filter=${encodeURIComponent("label = 'never'")}`,
    );
    expect(none.body.totalItems).toBe(0);
    const after = await call(SUPERUSER, "GET", `/api/collections/race_counters/records/${counter.id}`);
    expect(after.body.n).toBe(999);
  });
});
