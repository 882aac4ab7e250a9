import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  type Collection,
  createCollection,
  decodeValue,
  encodeValue,
  FIELD_TYPES,
  type Field,
  getCollection,
  validateValue,
  validateValues,
} from "../../../src/collections";
import { quoteIdent } from "../../../src/db/sql";
import { apiError, deps } from "../helpers";

const d = deps();

/** One field of every type (multi-valued variants too), and a value to store in each. */
const SAMPLES: { field: Record<string, unknown>; value: unknown; expected?: unknown }[] = [
  { field: { name: "t", type: "text", max: 20 }, value: "héllo ✓" },
  { field: { name: "n", type: "number" }, value: 12.5 },
  { field: { name: "ni", type: "number", onlyInt: true }, value: "42", expected: 42 },
  { field: { name: "b", type: "bool" }, value: true },
  { field: { name: "e", type: "email" }, value: "a@example.com" },
  { field: { name: "u", type: "url" }, value: "https://example.com/x?y=1" },
  { field: { name: "ed", type: "editor" }, value: "<p>hi</p>" },
  {
    field: { name: "dt", type: "date" },
    value: "2024-01-02T03:04:05Z",
    expected: "2024-01-02 03:04:05.000Z",
  },
  { field: { name: "ad", type: "autodate" }, value: "2024-01-02 03:04:05.000Z" },
  { field: { name: "s1", type: "select", values: ["a", "b"] }, value: "b" },
  { field: { name: "sm", type: "select", values: ["a", "b", "c"], maxSelect: 3 }, value: ["c", "a"] },
  { field: { name: "r1", type: "relation", collectionId: "_pb_users_auth_" }, value: "abc123def456ghi" },
  {
    field: { name: "rm", type: "relation", collectionId: "_pb_users_auth_", maxSelect: 5 },
    value: ["x1", "x2"],
  },
  { field: { name: "j", type: "json" }, value: { a: [1, "two", null], b: { c: true } } },
  { field: { name: "g", type: "geoPoint" }, value: { lon: 13.4, lat: 52.5 } },
];

describe("field types", () => {
  it("registers every supported type", () => {
    expect(Object.keys(FIELD_TYPES).sort()).toEqual(
      [
        "autodate",
        "bool",
        "date",
        "editor",
        "email",
        "file",
        "geoPoint",
        "json",
        "number",
        "password",
        "relation",
        "select",
        "text",
        "url",
      ].sort(),
    );
  });

  it("round-trips a value of every type through a real table", async () => {
    await createCollection(d, { name: "everything", fields: SAMPLES.map((s) => s.field) });
    const collection = await getCollection(d, "everything");
    const byName = (name: string) => collection.fields.find((f) => f.name === name) as Field;
    const values: Record<string, unknown> = { id: "row000000000001" };
    for (const s of SAMPLES) {
      const checked = validateValue(byName(s.field.name as string), s.value);
      expect(checked, s.field.name as string).toEqual({ ok: true, value: s.expected ?? s.value });
      values[s.field.name as string] = checked.ok ? checked.value : undefined;
    }
    const names = Object.keys(values);
    await env.DB.prepare(
      `INSERT INTO everything (${names.map(quoteIdent).join(", ")}) VALUES (${names.map(() => "?").join(", ")})`,
    )
      .bind(...names.map((n) => (n === "id" ? values.id : encodeValue(byName(n), values[n]))))
      .run();
    const row = await env.DB.prepare("SELECT * FROM everything").first<Record<string, unknown>>();
    for (const s of SAMPLES) {
      const name = s.field.name as string;
      expect(decodeValue(byName(name), row?.[name]), name).toEqual(s.expected ?? s.value);
    }
  });

  it("reads zero values from a row inserted with defaults only", async () => {
    const collection = await getCollection(d, "everything");
    await env.DB.prepare("INSERT INTO everything (id) VALUES ('row000000000002')").run();
    const row = await env.DB.prepare("SELECT * FROM everything WHERE id = 'row000000000002'").first<
      Record<string, unknown>
    >();
    const decoded = Object.fromEntries(collection.fields.map((f) => [f.name, decodeValue(f, row?.[f.name])]));
    expect(decoded).toMatchObject({
      t: "",
      n: 0,
      b: false,
      sm: [],
      rm: [],
      s1: "",
      j: null,
      g: { lon: 0, lat: 0 },
      dt: "",
    });
  });

  it("accepts the file type with PocketBase's options and defaults; bad thumb sizes are a 400", async () => {
    const created = await createCollection(d, { name: "docs", fields: [{ name: "f", type: "file" }] });
    expect(created.fields.find((f) => f.name === "f")).toMatchObject({
      type: "file",
      maxSelect: 1,
      maxSize: 0,
      mimeTypes: [],
      thumbs: [],
      protected: false,
      required: false,
    });
    const err = await apiError(() =>
      createCollection(d, {
        name: "docs2",
        fields: [{ name: "f", type: "file", thumbs: ["100x100", "0x0", "axb"] }],
      }),
    );
    expect(err.status).toBe(400);
    expect(Object.keys(err.data).sort()).toEqual(["fields.0.thumbs.1", "fields.0.thumbs.2"]);
  });
});

describe("value validation", () => {
  const field = (def: Record<string, unknown>): Field => {
    const type = FIELD_TYPES[def.type as keyof typeof FIELD_TYPES];
    return type.schema.parse({ name: "x", ...def }) as Field;
  };
  it("validates a record's values by field name", () => {
    const fields = [field({ type: "text", name: "a", required: true }), field({ type: "number", name: "b" })];
    expect(validateValues(fields, { a: "x", b: "2" })).toEqual({ ok: true, values: { a: "x", b: 2 } });
    expect(validateValues(fields, { a: "", b: "nope" })).toEqual({
      ok: false,
      errors: {
        a: { code: "validation_required", message: "Cannot be blank." },
        b: { code: "validation_invalid_value", message: expect.any(String) },
      },
    });
  });

  it("keeps unknown options out of stored definitions", async () => {
    const created = await createCollection(d, {
      name: "strict",
      fields: [{ name: "t", type: "text", bogus: 1 }],
    });
    const stored = (await getCollection(d, created.id)) as Collection;
    expect(stored.fields.find((f) => f.name === "t")).not.toHaveProperty("bogus");
  });
});
