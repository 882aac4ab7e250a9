/** The dashboard's import preview (pure): added, removed, renamed and changed collections and fields. */
import { describe, expect, it } from "vitest";
import { type DiffCollection, diffSchemas } from "../../dashboard/src/lib/schema-diff";

const current: DiffCollection[] = [
  { id: "c1", name: "posts", listRule: "", fields: [{ id: "f1", name: "title", type: "text", max: 10 }] },
  { id: "c2", name: "tags", fields: [] },
  { id: "c3", name: "_superusers", system: true, fields: [] },
];

describe("schema import preview", () => {
  it("is empty for the same schema", () => {
    expect(diffSchemas(current, structuredClone(current), true)).toEqual({
      added: [],
      removed: [],
      changed: [],
    });
  });

  it("lists new collections, and removals only with deleteMissing (never system ones)", () => {
    const incoming = [current[0]!, { name: "comments", fields: [] }];
    expect(diffSchemas(current, incoming, false)).toEqual({ added: ["comments"], removed: [], changed: [] });
    expect(diffSchemas(current, incoming, true).removed).toEqual(["tags"]);
  });

  it("reports a rename by id, field changes and settings changes", () => {
    const incoming: DiffCollection[] = [
      {
        id: "c1",
        name: "articles",
        listRule: null,
        fields: [
          { id: "f1", name: "headline", type: "text", max: 10 },
          { name: "body", type: "editor" },
        ],
      },
    ];
    expect(diffSchemas(current, incoming, false).changed).toEqual([
      {
        name: "articles",
        renamedFrom: "posts",
        fieldsAdded: ["body"],
        fieldsRemoved: [],
        fieldsChanged: ["headline"],
        settingsChanged: ["listRule"],
      },
    ]);
  });

  it("matches by name when the import has no ids (a PocketBase export from elsewhere)", () => {
    const incoming: DiffCollection[] = [
      { name: "posts", fields: [{ name: "title", type: "text", max: 20 }] },
    ];
    const [change] = diffSchemas(current, incoming, false).changed;
    expect(change).toMatchObject({
      name: "posts",
      fieldsChanged: ["title"],
      fieldsAdded: [],
      fieldsRemoved: [],
    });
  });
});
