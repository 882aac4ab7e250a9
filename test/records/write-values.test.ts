import { describe, expect, it } from "vitest";
import { ApiError } from "../../src/lib/errors";
import type { RecordDeps } from "../../src/records/deps";
import { prepareValues } from "../../src/records/write-values";
import { guestContext } from "../../src/rules";
import { collection, field } from "./schema";

const posts = collection("c1", "posts", [
  field("title", "text", { max: 5 }),
  field("n", "number"),
  field("tags", "select", { maxSelect: 3 }),
  field("secret", "text", { hidden: true }),
  field("created", "autodate", { onUpdate: false }),
]);
const deps = (superuser = false) =>
  ({ ctx: guestContext({ isSuperuser: superuser }) }) as unknown as RecordDeps;

function errorsOf(fn: () => unknown): Record<string, unknown> {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    return (err as ApiError).data;
  }
  throw new Error("expected a 400");
}

describe("prepareValues", () => {
  it("fills every field on create, with a generated id and zero values", () => {
    const { columns } = prepareValues(deps(), posts, { title: "hi" });
    expect((columns.get("id") as { value: string }).value).toMatch(/^[a-z0-9]{15}$/);
    expect(Object.fromEntries([...columns].filter(([k]) => k !== "id"))).toEqual({
      title: { value: "hi" },
      n: { value: 0 },
      tags: { value: "[]" },
      secret: { value: "" },
    });
  });

  it("applies modifiers to the current record; increments stay relative", () => {
    const current = { id: "r1", title: "t", n: 2, tags: '["a"]', secret: "" };
    const { columns } = prepareValues(
      deps(),
      posts,
      { "n+": 3, "+tags": "b", "tags+": ["c"], "tags-": "a" },
      current,
    );
    expect(Object.fromEntries(columns)).toEqual({ n: { increment: 3 }, tags: { value: '["b","c"]' } });
    expect(Object.fromEntries(prepareValues(deps(), posts, { n: 1, "n-": 4 }, current).columns)).toEqual({
      n: { value: -3 },
    });
  });

  it("refuses invalid values, naming each; ignores unknown keys and (non-superusers) hidden fields", () => {
    const data = errorsOf(() =>
      prepareValues(deps(), posts, { title: "toolong", nope: 1, secret: "x", "n+": "z" }),
    );
    expect(Object.keys(data).sort()).toEqual(["n+", "title"]);
    const ignored = prepareValues(deps(), posts, { title: "ok", nope: 1, "nope+": 2, secret: "x" });
    expect(ignored.errors).toEqual({});
    expect(ignored.columns.get("secret")).toEqual({ value: "" });
    expect(ignored.columns.has("nope")).toBe(false);
    expect(prepareValues(deps(true), posts, { secret: "x" }).columns.get("secret")).toEqual({ value: "x" });
  });

  it("ignores autodates and a returned record's extra keys", () => {
    const { columns } = prepareValues(
      deps(),
      posts,
      { created: "2000-01-01", collectionId: "x", expand: {} },
      { id: "r1" },
    );
    expect(columns.size).toBe(0);
  });
});
