import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import {
  createCollection,
  deleteCollection,
  getCollection,
  type PublicCollection,
  updateCollection,
} from "../../src/collections";
import { apiError, columnsOf, deps, rowsOf } from "./helpers";

const d = deps();
let posts: PublicCollection;

async function seed(): Promise<void> {
  await env.DB.batch([
    env.DB.prepare("INSERT INTO posts (id, title, views, flag, tags) VALUES ('p1', 'Hello', 3, 1, 'a')"),
    env.DB.prepare("INSERT INTO posts (id, title, views, flag, tags) VALUES ('p2', 'World', 0, 0, '')"),
  ]);
}

function fieldsWith(
  change: (f: PublicCollection["fields"][number]) => Record<string, unknown> | null,
  extra: Record<string, unknown>[] = [],
) {
  return [...posts.fields.map(change).filter((f) => f !== null), ...extra];
}

beforeEach(async () => {
  await deleteCollection(d, "posts").catch(() => undefined);
  posts = await createCollection(d, {
    name: "posts",
    fields: [
      { name: "title", type: "text" },
      { name: "views", type: "number" },
      { name: "flag", type: "bool" },
      { name: "tags", type: "select", values: ["a", "b"] },
    ],
  });
  await seed();
});

describe("schema changes keep existing rows", () => {
  it("adds a field with its zero value", async () => {
    await updateCollection(d, {
      idOrName: "posts",
      body: {
        fields: fieldsWith(
          (f) => f,
          [
            { name: "body", type: "editor" },
            { name: "loc", type: "geoPoint" },
          ],
        ),
      },
    });
    expect(await columnsOf("posts")).toEqual([
      "id",
      "title",
      "views",
      "flag",
      "tags",
      "created",
      "updated",
      "body",
      "loc",
    ]);
    expect((await rowsOf("posts")).map((r) => [r.id, r.title, r.body, r.loc])).toEqual([
      ["p1", "Hello", "", '{"lon":0,"lat":0}'],
      ["p2", "World", "", '{"lon":0,"lat":0}'],
    ]);
  });

  it("renames a field, keeping its values and id", async () => {
    const updated = await updateCollection(d, {
      idOrName: "posts",
      body: { fields: fieldsWith((f) => (f.name === "title" ? { ...f, name: "heading" } : f)) },
    });
    expect(updated.fields.find((f) => f.name === "heading")?.id).toBe(
      posts.fields.find((f) => f.name === "title")?.id,
    );
    expect((await rowsOf("posts")).map((r) => r.heading)).toEqual(["Hello", "World"]);
  });

  it("swaps two field names and renames by case only", async () => {
    await updateCollection(d, {
      idOrName: "posts",
      body: {
        fields: fieldsWith((f) =>
          f.name === "title" ? { ...f, name: "tags" } : f.name === "tags" ? { ...f, name: "title" } : f,
        ),
      },
    });
    expect((await rowsOf("posts")).map((r) => [r.title, r.tags])).toEqual([
      ["a", "Hello"],
      ["", "World"],
    ]);
    posts = await getCollection(d, "posts");
    await updateCollection(d, {
      idOrName: "posts",
      body: { fields: fieldsWith((f) => (f.name === "tags" ? { ...f, name: "Tags" } : f)) },
    });
    expect((await rowsOf("posts")).map((r) => r.Tags)).toEqual(["Hello", "World"]);
  });

  it("drops a field and keeps the rest", async () => {
    await updateCollection(d, {
      idOrName: "posts",
      body: { fields: fieldsWith((f) => (f.name === "views" ? null : f)) },
    });
    expect(await columnsOf("posts")).not.toContain("views");
    expect((await rowsOf("posts")).map((r) => r.title)).toEqual(["Hello", "World"]);
  });

  it("changes options without touching the table", async () => {
    const before = await columnsOf("posts");
    const updated = await updateCollection(d, {
      idOrName: "posts",
      body: { fields: fieldsWith((f) => (f.name === "title" ? { ...f, max: 50, required: true } : f)) },
    });
    expect(updated.fields.find((f) => f.name === "title")).toMatchObject({ max: 50, required: true });
    expect(await columnsOf("posts")).toEqual(before);
    expect((await rowsOf("posts")).map((r) => r.title)).toEqual(["Hello", "World"]);
  });

  it("converts values when a type change keeps them meaningful", async () => {
    await updateCollection(d, {
      idOrName: "posts",
      body: {
        fields: fieldsWith((f) => {
          if (f.name === "views") return { ...f, type: "text" };
          if (f.name === "flag") return { ...f, type: "number" };
          if (f.name === "tags") return { ...f, maxSelect: 2 };
          if (f.name === "title") return { ...f, type: "editor" };
          return f;
        }),
      },
    });
    expect((await rowsOf("posts")).map((r) => [r.title, r.views, r.flag, r.tags])).toEqual([
      ["Hello", "3", 1, '["a"]'],
      ["World", "0", 0, "[]"],
    ]);
    posts = await getCollection(d, "posts");
    await updateCollection(d, {
      idOrName: "posts",
      body: { fields: fieldsWith((f) => (f.name === "tags" ? { ...f, maxSelect: 1 } : f)) },
    });
    expect((await rowsOf("posts")).map((r) => r.tags)).toEqual(["a", ""]);
  });

  it("refuses a type change that would lose data with a 400 at the field, changing nothing", async () => {
    const before = await rowsOf("posts");
    const err = await apiError(() =>
      updateCollection(d, {
        idOrName: "posts",
        body: { fields: fieldsWith((f) => (f.name === "title" ? { ...f, type: "number" } : f)) },
      }),
    );
    expect(err.status).toBe(400);
    expect(err.data).toEqual({
      "fields.1.type": {
        code: "validation_field_type_change",
        message: 'Cannot convert field "title" from text to number without losing data.',
      },
    });
    // The path is the submitted position, also when the client leaves out the system id field.
    const withoutId = await apiError(() =>
      updateCollection(d, {
        idOrName: "posts",
        body: {
          fields: fieldsWith((f) =>
            f.name === "id" ? null : f.name === "tags" ? { ...f, type: "bool" } : f,
          ),
        },
      }),
    );
    expect(withoutId.data).toEqual({
      "fields.3.type": {
        code: "validation_field_type_change",
        message: 'Cannot convert field "tags" from select to bool without losing data.',
      },
    });
    expect(await rowsOf("posts")).toEqual(before);
    expect((await getCollection(d, "posts")).fields.find((f) => f.name === "title")?.type).toBe("text");
  });

  it("renames the collection, keeping rows and moving its indexes", async () => {
    await updateCollection(d, {
      idOrName: "posts",
      body: { indexes: ["CREATE UNIQUE INDEX idx_posts_title ON posts (title)"] },
    });
    const renamed = await updateCollection(d, { idOrName: "posts", body: { name: "articles" } });
    expect(renamed.indexes).toEqual(["CREATE UNIQUE INDEX `idx_posts_title` ON `articles` (`title`)"]);
    expect((await rowsOf("articles")).map((r) => r.title)).toEqual(["Hello", "World"]);
    const index = await env.DB.prepare(
      "SELECT tbl_name FROM sqlite_master WHERE name = 'idx_posts_title'",
    ).first();
    expect(index).toEqual({ tbl_name: "articles" });
    await updateCollection(d, { idOrName: "articles", body: { name: "Posts" } });
    await updateCollection(d, { idOrName: "Posts", body: { name: "posts" } });
    expect((await rowsOf("posts")).map((r) => r.title)).toEqual(["Hello", "World"]);
  });

  it("keeps an index through a field rename and a rebuild", async () => {
    await updateCollection(d, {
      idOrName: "posts",
      body: { indexes: ["CREATE INDEX idx_t ON posts (title COLLATE NOCASE DESC)"] },
    });
    posts = await getCollection(d, "posts");
    const updated = await updateCollection(d, {
      idOrName: "posts",
      body: {
        fields: fieldsWith((f) => (f.name === "title" ? { ...f, name: "heading", type: "editor" } : f)),
      },
    });
    expect(updated.indexes).toEqual(["CREATE INDEX `idx_t` ON `posts` (`heading` COLLATE NOCASE DESC)"]);
    const index = await env.DB.prepare("SELECT sql FROM sqlite_master WHERE name = 'idx_t'").first<{
      sql: string;
    }>();
    expect(index?.sql).toContain("`heading`");
  });

  it("recreates dependent views around a rebuild", async () => {
    await createCollection(d, { name: "titles", type: "view", viewQuery: "SELECT id, title FROM posts" });
    await updateCollection(d, {
      idOrName: "posts",
      body: { fields: fieldsWith((f) => (f.name === "views" ? { ...f, type: "text" } : f)) },
    });
    const { results } = await env.DB.prepare("SELECT * FROM titles ORDER BY id").all();
    expect(results).toEqual([
      { id: "p1", title: "Hello" },
      { id: "p2", title: "World" },
    ]);
    await deleteCollection(d, "titles");
  });

  it("does nothing for a patch that changes nothing", async () => {
    const again = await updateCollection(d, {
      idOrName: "posts",
      body: { name: "posts", fields: posts.fields },
    });
    expect(again.updated).toBe(posts.updated);
  });
});
