/**
 * Hooks typed from the generated types: tsc (`npm run lint`) checks this file, so the `@ts-expect-error` lines
 * fail the lint the day a wrong field or collection name stops being a type error.
 */
import { beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { typedHooks } from "../../src/hooks";
import { createCollection } from "../records/harness";
import type { CollectionRecords } from "./fixtures/edgebase-types";
import { hookApp, rows } from "./harness";

const { onRecordCreate, onRecordAfterCreate, onRecordUpdate, onRecordDelete } =
  typedHooks<CollectionRecords>();

beforeAll(async () => {
  const open = { listRule: "", viewRule: "", createRule: "", updateRule: "", deleteRule: "" };
  await createCollection({
    name: "typed_posts",
    type: "base",
    fields: [
      { name: "title", type: "text", required: true },
      { name: "slug", type: "text" },
      { name: "views", type: "number" },
    ],
    ...open,
  });
});

/** Compiled, never run: each marked line must stay a type error. */
function wrongNames(): unknown[] {
  return [
    onRecordCreate("typed_posts", (e) => {
      // @ts-expect-error: `titel` is not a field of typed_posts
      e.record.titel = "x";
    }),
    // @ts-expect-error: not a collection of the schema
    onRecordCreate("typed_postz", () => {}),
    onRecordAfterCreate("typed_posts", (e) => {
      // @ts-expect-error: views is a number
      const views: string = e.record.views;
      return void views;
    }),
    onRecordDelete("typed_posts", (e) => {
      // @ts-expect-error: `titel` is not a field of typed_posts
      return void e.record.titel;
    }),
  ];
}

describe("typedHooks", () => {
  it("types e.record per collection and registers ordinary hooks", async () => {
    const seen: string[] = [];
    const { call } = hookApp({
      hooks: [
        onRecordCreate("typed_posts", (e) => {
          expectTypeOf(e.record.title).toEqualTypeOf<string | undefined>();
          e.record.slug = (e.record.title ?? "").toLowerCase().replaceAll(" ", "-");
        }),
        onRecordUpdate(["typed_posts"], (e) => {
          expectTypeOf(e.oldRecord?.views).toEqualTypeOf<number | undefined>();
          if (e.record.views !== undefined && e.record.views < 0) e.error("views", "Views cannot go down.");
        }),
        onRecordAfterCreate("typed_posts", (e) => {
          expectTypeOf(e.record.title).toEqualTypeOf<string>();
          seen.push(e.record.title);
        }),
      ],
    });
    const created = await call(null, "POST", "/api/collections/typed_posts/records", {
      title: "Hello World",
    });
    expect(created.status).toBe(200);
    expect(created.body.slug).toBe("hello-world");
    expect(seen).toEqual(["Hello World"]);
    const refused = await call(null, "PATCH", `/api/collections/typed_posts/records/${created.body.id}`, {
      views: -1,
    });
    expect(refused.status).toBe(400);
    expect(refused.body.data.views.message).toBe("Views cannot go down.");
    expect((await rows("typed_posts")).map((r) => r.views)).toEqual([0]);
    expect(wrongNames()).toHaveLength(4);
  });

  it("builds the same definitions as the untyped form", () => {
    const run = () => {};
    expect(onRecordCreate(["typed_posts"], run)).toEqual({
      on: "record.beforeCreate",
      collections: ["typed_posts"],
      run,
    });
    expect(onRecordAfterCreate("typed_posts", run)).toMatchObject({ on: "record.afterCreate" });
  });
});
