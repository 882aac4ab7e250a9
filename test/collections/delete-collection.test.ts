import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  createCollection,
  deleteCollection,
  findCollection,
  truncateCollection,
  updateCollection,
} from "../../src/collections";
import { apiError, columnsOf, deps, rowsOf } from "./helpers";

const d = deps();

describe("deleteCollection", () => {
  it("drops the table and the definition", async () => {
    await createCollection(d, { name: "temp", fields: [{ name: "a", type: "text" }] });
    await deleteCollection(d, "temp");
    expect(await columnsOf("temp")).toEqual([]);
    expect(await findCollection(d, "temp")).toBeUndefined();
  });

  it("refuses while another collection's relation points at it, naming the reference", async () => {
    const target = await createCollection(d, { name: "tags" });
    await createCollection(d, {
      name: "notes",
      fields: [{ name: "tag", type: "relation", collectionId: target.id }],
    });
    const err = await apiError(() => deleteCollection(d, "tags"));
    expect(err.status).toBe(400);
    expect(err.message).toBe(
      "The collection is referenced by notes.tag; remove those relation fields first.",
    );
    expect(err.data).toEqual({
      name: { code: "validation_collection_in_use", message: "Referenced by notes.tag." },
    });
    expect(await findCollection(d, "tags")).toBeDefined();
  });

  it("allows a self-referencing collection to be deleted", async () => {
    const tree = await createCollection(d, { name: "tree" });
    await updateCollection(d, {
      idOrName: tree.id,
      body: { fields: [...tree.fields, { name: "parent", type: "relation", collectionId: tree.id }] },
    });
    await deleteCollection(d, "tree");
    expect(await findCollection(d, "tree")).toBeUndefined();
  });

  it("refuses system collections, 404s unknown ones", async () => {
    expect((await apiError(() => deleteCollection(d, "_superusers"))).status).toBe(400);
    expect((await apiError(() => deleteCollection(d, "nope"))).status).toBe(404);
  });

  it("refuses to drop a table a view still reads, leaving both in place", async () => {
    await createCollection(d, { name: "base1", fields: [{ name: "v", type: "number" }] });
    await createCollection(d, { name: "view1", type: "view", viewQuery: "SELECT id, v FROM base1" });
    const err = await apiError(() => deleteCollection(d, "base1"));
    expect(err.status).toBe(400);
    expect(err.message).toContain("base1");
    expect(await columnsOf("base1")).toEqual(["id", "v", "created", "updated"]);
    await deleteCollection(d, "view1");
    await deleteCollection(d, "base1");
  });
});

describe("truncateCollection", () => {
  it("deletes every record and keeps the definition", async () => {
    await createCollection(d, { name: "logs", fields: [{ name: "m", type: "text" }] });
    await env.DB.prepare("INSERT INTO logs (id, m) VALUES ('a', 'x'), ('b', 'y')").run();
    await truncateCollection(d, "logs");
    expect(await rowsOf("logs")).toEqual([]);
    expect(await findCollection(d, "logs")).toBeDefined();
  });

  it("refuses views and 404s unknown collections", async () => {
    await createCollection(d, { name: "logview", type: "view", viewQuery: "SELECT id FROM logs" });
    expect((await apiError(() => truncateCollection(d, "logview"))).status).toBe(400);
    expect((await apiError(() => truncateCollection(d, "missing"))).status).toBe(404);
  });
});
