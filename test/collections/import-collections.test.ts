import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createCollection, getCollection, importCollections, listCollections } from "../../src/collections";
import { apiError, columnsOf, deps } from "./helpers";

const d = deps();

const EXPORT = [
  {
    id: "authors00000001",
    name: "authors",
    type: "base",
    fields: [{ name: "name", type: "text", required: true }],
    indexes: ["CREATE INDEX idx_authors_name ON authors (name)"],
    listRule: "",
  },
  {
    id: "books0000000001",
    name: "books",
    type: "base",
    fields: [
      { name: "title", type: "text" },
      { name: "author", type: "relation", collectionId: "authors00000001", cascadeDelete: true },
    ],
    listRule: "author.name != ''",
  },
];

async function version(): Promise<unknown> {
  return (await env.DB.prepare("SELECT value FROM _params WHERE key = 'schemaVersion'").first())?.value;
}

describe("importCollections", () => {
  it("creates collections that reference each other, then importing the same JSON again is a no-op", async () => {
    expect(await importCollections(d, { collections: EXPORT })).toEqual({
      created: ["authors", "books"],
      updated: [],
      deleted: [],
    });
    const books = await getCollection(d, "books");
    expect(books.fields.find((f) => f.name === "author")).toMatchObject({ collectionId: "authors00000001" });
    const before = {
      version: await version(),
      defs: (await env.DB.prepare("SELECT * FROM _collections ORDER BY id").all()).results,
    };
    expect(await importCollections(deps(), { collections: EXPORT })).toEqual({
      created: [],
      updated: [],
      deleted: [],
    });
    expect({
      version: await version(),
      defs: (await env.DB.prepare("SELECT * FROM _collections ORDER BY id").all()).results,
    }).toEqual(before);
  });

  it("re-importing an exported definition (ids, timestamps and all) changes nothing", async () => {
    // Migration 0001's `users` got its lower(email) index when the schema was first loaded, so it is stable.
    expect(await importCollections(deps(), { collections: [await getCollection(d, "users")] })).toEqual({
      created: [],
      updated: [],
      deleted: [],
    });
    const page = await listCollections(d, { perPage: 100, filter: "system = false" });
    const before = await version();
    expect(await importCollections(deps(), { collections: page.items })).toEqual({
      created: [],
      updated: [],
      deleted: [],
    });
    expect(await version()).toBe(before);
  });

  it("updates changed collections and deletes missing ones with deleteMissing", async () => {
    await createCollection(d, { name: "scratch" });
    const changed = [
      EXPORT[0],
      { ...EXPORT[1], fields: [...(EXPORT[1]?.fields ?? []), { name: "pages", type: "number" }] },
    ];
    const result = await importCollections(d, { collections: changed, deleteMissing: true });
    expect(result).toEqual({ created: [], updated: ["books"], deleted: ["users", "scratch"] });
    expect(await columnsOf("books")).toContain("pages");
    expect(await columnsOf("scratch")).toEqual([]);
    // System collections are never deleted by an import.
    expect((await getCollection(d, "_superusers")).system).toBe(true);
  });

  it("applies all or nothing and reports errors under collections.N", async () => {
    const before = await version();
    const err = await apiError(() =>
      importCollections(d, {
        collections: [
          { name: "fresh", fields: [{ name: "ok", type: "text" }] },
          { name: "broken", fields: [{ name: "bad name", type: "text" }] },
        ],
      }),
    );
    expect(err.status).toBe(400);
    expect(err.data).toEqual({
      "collections.1.fields.0.name": {
        code: "validation_invalid_name",
        message: "Names may contain only letters, digits and _, and not start with a digit.",
      },
    });
    expect(await version()).toBe(before);
    expect(await columnsOf("fresh")).toEqual([]);
  });

  it("refuses to delete a collection a kept one still references", async () => {
    const err = await apiError(() => importCollections(d, { collections: [EXPORT[1]], deleteMissing: true }));
    expect(err.status).toBe(400);
    expect(err.data).toEqual({
      "collections.0.fields.1.collectionId": {
        code: "validation_missing_rel_collection",
        message: 'Collection "authors00000001" does not exist.',
      },
    });
    expect(await getCollection(d, "authors")).toBeDefined();
  });

  it("validates its own input", async () => {
    const err = await apiError(() => importCollections(d, { collections: [] }));
    expect(err.data).toHaveProperty("collections");
    expect((await apiError(() => importCollections(d, { collections: "x" }))).status).toBe(400);
  });
});
