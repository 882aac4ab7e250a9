import { beforeAll, describe, expect, it } from "vitest";
import { createCollection, getCollection, updateCollection } from "../../src/collections";
import { apiError, deps } from "./helpers";

const d = deps();

beforeAll(async () => {
  await createCollection(d, {
    name: "authors",
    fields: [{ name: "name", type: "text" }],
    indexes: ["CREATE INDEX idx_author_name ON authors (name)"],
  });
  await createCollection(d, {
    name: "books",
    fields: [
      { name: "title", type: "text" },
      { name: "author", type: "relation", collectionId: "authors" },
      { name: "meta", type: "json" },
    ],
  });
});

/** Creates `body` and returns the error data of the expected 400. */
async function createErrors(body: Record<string, unknown>) {
  const err = await apiError(() => createCollection(d, body));
  expect(err.status).toBe(400);
  return err.data;
}

const field = (def: Record<string, unknown>) => ({ name: "x", type: "text", ...def });

describe("validation on save reports every error at its path", () => {
  it.each([
    [{ name: "1abc" }, "name", "validation_invalid_name"],
    [{ name: "has space" }, "name", "validation_invalid_name"],
    [{ name: "_hidden" }, "name", "validation_reserved_name"],
    [{ name: "d1_migrations" }, "name", "validation_reserved_name"],
    [{ name: "sqlite_x" }, "name", "validation_reserved_name"],
    [{ name: "AUTHORS" }, "name", "validation_collection_name_exists"],
    [{ name: "users" }, "name", "validation_collection_name_exists"],
    [{ name: "idx_author_name" }, "name", "validation_collection_name_exists"],
    [{ name: 42 }, "name", "validation_invalid_value"],
    [{ type: "table" }, "type", "validation_invalid_value"],
    [{ name: "n1", fields: [field({ name: "9x" })] }, "fields.0.name", "validation_invalid_name"],
    [
      { name: "n2", fields: [field({ name: "a" }), field({ name: "A" })] },
      "fields.1.name",
      "validation_duplicated_name",
    ],
    [{ name: "n3", fields: [field({ name: "expand" })] }, "fields.0.name", "validation_reserved_name"],
    [{ name: "n4", fields: [field({ name: "_x" })] }, "fields.0.name", "validation_reserved_name"],
    [
      { name: "n5", fields: [field({}), field({ name: "y", type: "nope" })] },
      "fields.1.type",
      "validation_invalid_field_type",
    ],
    [{ name: "n6", fields: [field({ max: -1 })] }, "fields.0.max", "validation_invalid_value"],
    [{ name: "n7", fields: [field({ pattern: "(" })] }, "fields.0.pattern", "validation_invalid_value"],
    [
      { name: "n8", fields: [field({ type: "select", values: [] })] },
      "fields.0.values",
      "validation_invalid_value",
    ],
    [
      { name: "n9", fields: [field({ type: "relation", collectionId: "nope" })] },
      "fields.0.collectionId",
      "validation_missing_rel_collection",
    ],
    [
      { name: "n10", fields: [field({ type: "password" })] },
      "fields.0.type",
      "validation_invalid_field_type",
    ],
    [
      { name: "n11", fields: [field({ primaryKey: true })] },
      "fields.0.primaryKey",
      "validation_invalid_value",
    ],
    [
      { name: "n12", fields: [field({ id: "same" }), field({ id: "same", name: "y" })] },
      "fields.1.id",
      "validation_duplicated_field_id",
    ],
    [
      { name: "n13", fields: [field({ name: "id", type: "number" })] },
      "fields.0.type",
      "validation_system_field_change",
    ],
    [{ name: "n14", indexes: ["CREATE INDEX i1 ON n14 (missing)"] }, "indexes.0", "validation_invalid_index"],
    [{ name: "n15", indexes: ["CREATE INDEX i2 ON authors (id)"] }, "indexes.0", "validation_invalid_index"],
    [
      { name: "n16", indexes: ["CREATE INDEX idx_author_name ON n16 (id)"] },
      "indexes.0",
      "validation_index_name_exists",
    ],
    [{ name: "n17", indexes: ["DROP TABLE authors"] }, "indexes.0", "validation_invalid_index"],
    [
      { name: "n18", indexes: ["CREATE INDEX i3 ON n18 (id); DROP TABLE authors"] },
      "indexes.0",
      "validation_invalid_index",
    ],
    [
      { name: "n19", indexes: ["CREATE INDEX i4 ON n19 (id) WHERE id = (SELECT 1)"] },
      "indexes.0",
      "validation_invalid_index",
    ],
    [{ name: "n20", listRule: "title = " }, "listRule", "validation_invalid_rule"],
    [{ name: "n21", viewRule: "foo = 1" }, "viewRule", "validation_invalid_rule"],
    [
      { name: "n22", type: "view", viewQuery: "SELECT id FROM authors; DELETE FROM authors" },
      "viewQuery",
      "validation_invalid_view_query",
    ],
    [
      { name: "n23", type: "view", viewQuery: "DELETE FROM authors" },
      "viewQuery",
      "validation_invalid_view_query",
    ],
    [
      { name: "n24", type: "view", viewQuery: "SELECT name FROM authors" },
      "viewQuery",
      "validation_invalid_view_query",
    ],
    [
      { name: "n25", type: "view", viewQuery: "SELECT id FROM nowhere" },
      "viewQuery",
      "validation_invalid_view_query",
    ],
    [
      { name: "n26", type: "auth", passwordAuth: { identityFields: ["username"] } },
      "passwordAuth.identityFields.0",
      "validation_invalid_value",
    ],
    [
      { name: "n27", type: "auth", authToken: { duration: 0 } },
      "authToken.duration",
      "validation_invalid_value",
    ],
    [{ name: "n28", id: "bad id" }, "id", "validation_invalid_value"],
    [{ name: "n29", fields: "nope" }, "fields", "validation_invalid_value"],
  ])("%j → %s", async (body, path, code) => {
    const data = await createErrors(body);
    expect(data[path]).toMatchObject({ code });
  });

  it("reports several errors at once", async () => {
    const data = await createErrors({
      name: "multi",
      fields: [field({ name: "a b" }), field({ name: "c", type: "nosuch" })],
    });
    expect(Object.keys(data).sort()).toEqual(["fields.1.type"]);
    const more = await createErrors({
      name: "multi",
      fields: [field({ name: "a b" }), field({ name: "expand" })],
    });
    expect(Object.keys(more).sort()).toEqual(["fields.0.name", "fields.1.name"]);
  });

  it("names the rule and the unknown field, following relations and back-relations", async () => {
    expect(
      await createErrors({ name: "r1", fields: [field({ name: "title" })], listRule: "titel = 'x'" }),
    ).toEqual({
      listRule: { code: "validation_invalid_rule", message: 'unknown field "titel"' },
    });
    const err = await apiError(() =>
      updateCollection(d, { idOrName: "books", body: { viewRule: "author.nmae = 'x'" } }),
    );
    expect(err.data).toEqual({
      viewRule: { code: "validation_invalid_rule", message: 'unknown field "author.nmae"' },
    });
    const deep = await apiError(() =>
      updateCollection(d, { idOrName: "books", body: { viewRule: "title.x = 1" } }),
    );
    expect(deep.data.viewRule).toMatchObject({ message: 'unknown field "title.x"' });
    await updateCollection(d, {
      idOrName: "books",
      body: {
        listRule:
          "author.name = @request.auth.name && meta.any.path = 1 && @collection.users.id = @request.auth.id && created > @now",
      },
    });
    await updateCollection(d, { idOrName: "authors", body: { listRule: "books_via_author.title ?= 'x'" } });
    const back = await apiError(() =>
      updateCollection(d, { idOrName: "authors", body: { listRule: "books_via_title.id != ''" } }),
    );
    expect(back.data.listRule).toMatchObject({ message: 'unknown field "books_via_title"' });
  });

  it("keeps hidden system fields hidden", async () => {
    const users = await getCollection(d, "users");
    const updated = await updateCollection(d, {
      idOrName: "users",
      body: { fields: users.fields.map((f) => ({ ...f, hidden: false })) },
    });
    expect(updated.fields.filter((f) => f.hidden).map((f) => f.name)).toEqual(["password", "tokenKey"]);
  });

  it("refuses type changes and system renames on update", async () => {
    const typed = await apiError(() => updateCollection(d, { idOrName: "authors", body: { type: "auth" } }));
    expect(typed.data).toEqual({
      type: { code: "validation_collection_type_change", message: "The collection type cannot be changed." },
    });
    const renamed = await apiError(() =>
      updateCollection(d, { idOrName: "_superusers", body: { name: "admins" } }),
    );
    expect(renamed.data.name).toMatchObject({ code: "validation_system_collection_change" });
  });
});
