import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  CollectionStore,
  changeSchema,
  createCollection,
  getCollection,
  listCollections,
  type PublicCollection,
  updateCollection,
} from "../../src/collections";
import type { ApiError } from "../../src/lib/errors";
import { apiError, columnsOf, deps, rowsOf } from "./helpers";

/** Everything a schema change could touch: the schema, the definitions, the version, the data. */
async function state(table: string) {
  const schema = await env.DB.prepare(
    "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name",
  ).all();
  const defs = await env.DB.prepare("SELECT * FROM _collections ORDER BY id").all();
  const version = await env.DB.prepare("SELECT value FROM _params WHERE key = 'schemaVersion'").first();
  return { schema: schema.results, defs: defs.results, version, rows: await rowsOf(table) };
}

/** Every collection's table has exactly its fields as columns and its indexes in sqlite_master. */
async function expectSchemaInStep(): Promise<void> {
  const page = await listCollections(deps(), { perPage: 1000 });
  for (const c of page.items) {
    if (c.type === "view") continue;
    expect(await columnsOf(c.name), c.name).toEqual(c.fields.map((f) => f.name));
    const { results } = await env.DB.prepare(
      "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name",
    )
      .bind(c.name)
      .all<{ name: string }>();
    const declared = c.indexes.map((sql) => /INDEX `([^`]+)`/.exec(sql)?.[1]).sort();
    expect(results.map((r) => r.name).sort(), c.name).toEqual(declared);
  }
}

describe("atomic schema changes", () => {
  it("leaves schema, definitions and data exactly as before when a statement in the middle fails", async () => {
    const d = deps();
    const posts = await createCollection(d, {
      name: "posts",
      fields: [
        { name: "title", type: "text" },
        { name: "slug", type: "text" },
      ],
    });
    await env.DB.prepare(
      "INSERT INTO posts (id, title, slug) VALUES ('a', 'x', 'same'), ('b', 'y', 'same')",
    ).run();
    const before = await state("posts");
    // Rename, add a field, then a unique index the existing rows violate: the index is the last statement.
    const err = await apiError(() =>
      updateCollection(d, {
        idOrName: "posts",
        body: {
          fields: [
            ...posts.fields.map((f) => (f.name === "title" ? { ...f, name: "heading" } : f)),
            { name: "extra", type: "number" },
          ],
          indexes: ["CREATE UNIQUE INDEX idx_slug ON posts (slug)"],
        },
      }),
    );
    expect(err.status).toBe(400);
    expect(err.message).toContain("UNIQUE constraint failed: posts.slug");
    expect(await state("posts")).toEqual(before);
    expect((await getCollection(deps(), "posts")).fields.map((f) => f.name)).toEqual([
      "id",
      "title",
      "slug",
      "created",
      "updated",
    ]);
  });

  it("keeps _collections and the tables in step under concurrent changes from many isolates", async () => {
    const base = await createCollection(deps(), { name: "shared", fields: [{ name: "a", type: "text" }] });
    // Each "isolate" has its own store, as separate Workers would.
    const isolates = Array.from({ length: 6 }, () => ({ db: env.DB, store: new CollectionStore() }));
    const results = await Promise.allSettled([
      ...isolates.map((d, i) =>
        createCollection(d, { name: `c${i}`, fields: [{ name: `f${i}`, type: "number" }] }),
      ),
      ...isolates.map((d, i) =>
        updateCollection(d, {
          idOrName: "shared",
          body: { fields: [...base.fields, { name: `g${i}`, type: "bool" }] },
        }),
      ),
      ...isolates.map((d, i) =>
        updateCollection(d, { idOrName: "shared", body: { listRule: `a = "${i}"` } }),
      ),
    ]);
    for (const r of results) {
      if (r.status === "rejected") expect((r.reason as ApiError).status).toBe(409);
    }
    const created = results
      .slice(0, 6)
      .filter((r) => r.status === "fulfilled") as PromiseFulfilledResult<PublicCollection>[];
    expect(created.length).toBeGreaterThan(0);
    for (const r of created) expect(await columnsOf(r.value.name)).toContain(r.value.fields[1]?.name);
    await expectSchemaInStep();
  });

  it("re-plans a change when another one committed while it was being planned", async () => {
    const d = deps();
    let plans = 0;
    const result = await changeSchema(d, async (snapshot) => {
      plans++;
      const existing = snapshot.find("shared");
      if (!existing) throw new Error("missing");
      // The first plan is overtaken by a change from another isolate: its batch must abort on the version guard.
      if (plans === 1) await updateCollection(deps(), { idOrName: "shared", body: { viewRule: "" } });
      return {
        changes: [{ old: existing, next: { ...existing, deleteRule: "" } }],
        result: existing.viewRule,
      };
    });
    expect(plans).toBe(2);
    expect(result).toBe("");
    const after = await getCollection(deps(), "shared");
    expect([after.viewRule, after.deleteRule]).toEqual(["", ""]);
  });
});
