import { describe, expect, it } from "vitest";
import {
  createCollection,
  deleteCollection,
  importCollections,
  type SchemaChangeEvent,
  truncateCollection,
  updateCollection,
} from "../../src/collections";
import { apiError, deps } from "./helpers";

/** Deps whose schema-change sink records what it hears. */
function recording() {
  const events: SchemaChangeEvent[] = [];
  const d = { ...deps(), schemaChanges: { emit: async (e: SchemaChangeEvent) => void events.push(e) } };
  return { d, events };
}

describe("schema-change events", () => {
  it("create, update, truncate, import and delete each emit one event naming the collection", async () => {
    const { d, events } = recording();
    const created = await createCollection(d, { name: "evented", fields: [{ name: "t", type: "text" }] });
    await updateCollection(d, { idOrName: "evented", body: { listRule: "" } });
    await truncateCollection(d, "evented");
    await importCollections(d, { collections: [{ ...created, listRule: null }] });
    await deleteCollection(d, created.id);
    expect(events).toEqual([
      { kind: "schema", collectionIds: [created.id] },
      { kind: "schema", collectionIds: [created.id] },
      { kind: "truncate", collectionIds: [created.id] },
      { kind: "schema", collectionIds: [created.id] },
      { kind: "schema", collectionIds: [created.id] },
    ]);
  });

  it("a refused change and a change that changes nothing emit nothing", async () => {
    const { d, events } = recording();
    const created = await createCollection(d, { name: "quiet", fields: [] });
    events.length = 0;
    const refused = await apiError(() =>
      updateCollection(d, { idOrName: "quiet", body: { listRule: "nope ~" } }),
    );
    expect(refused.status).toBe(400);
    await importCollections(d, { collections: [created] });
    expect(events).toEqual([]);
  });

  it("a failing sink never fails the committed change", async () => {
    const d = {
      ...deps(),
      schemaChanges: {
        emit: (): Promise<void> => {
          throw new Error("sink down");
        },
      },
    };
    const created = await createCollection(d, { name: "robust", fields: [] });
    expect(created.name).toBe("robust");
    const rejecting = { ...d, schemaChanges: { emit: () => Promise.reject(new Error("sink down")) } };
    await expect(truncateCollection(rejecting, "robust")).resolves.toBeUndefined();
  });
});
