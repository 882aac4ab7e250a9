import { describe, expect, it } from "vitest";
import type { Collection, Field } from "../../src/collections";
import { planSchemaChange } from "../../src/collections";
import { ApiError } from "../../src/lib/errors";

const text = (id: string, name: string, extra: Partial<Field> = {}) =>
  ({
    id,
    name,
    type: "text",
    system: false,
    hidden: false,
    presentable: false,
    required: false,
    min: 0,
    max: 0,
    pattern: "",
    autogeneratePattern: "",
    primaryKey: false,
    ...extra,
  }) as Field;
const select = (id: string, name: string, maxSelect: number) =>
  ({
    id,
    name,
    type: "select",
    system: false,
    hidden: false,
    presentable: false,
    required: false,
    values: ["a", "b"],
    maxSelect,
  }) as Field;
const num = (id: string, name: string) =>
  ({
    id,
    name,
    type: "number",
    system: false,
    hidden: false,
    presentable: false,
    required: false,
    min: null,
    max: null,
    onlyInt: false,
  }) as Field;
const ID = text("id0", "id", { system: true, primaryKey: true });

function base(name: string, fields: Field[], indexes: string[] = []): Collection {
  return {
    id: "c1",
    name,
    type: "base",
    system: false,
    fields: [ID, ...fields],
    indexes,
    listRule: null,
    viewRule: null,
    createRule: null,
    updateRule: null,
    deleteRule: null,
    created: "",
    updated: "",
  };
}

describe("planSchemaChange", () => {
  it("creates a table with its indexes", () => {
    expect(
      planSchemaChange(null, base("posts", [text("f1", "title")], ["CREATE INDEX `i` ON `posts` (`title`)"])),
    ).toEqual([
      "CREATE TABLE `posts` (`id` TEXT PRIMARY KEY NOT NULL, `title` TEXT DEFAULT '' NOT NULL)",
      "CREATE INDEX `i` ON `posts` (`title`)",
    ]);
  });

  it("drops, renames and adds columns in place, dropping changed indexes first", () => {
    const old = base(
      "posts",
      [text("f1", "title"), text("f2", "body")],
      ["CREATE INDEX `i` ON `posts` (`body`)"],
    );
    const next = base(
      "articles",
      [text("f1", "heading"), num("f3", "views")],
      ["CREATE INDEX `j` ON `articles` (`heading`)"],
    );
    expect(planSchemaChange(old, next)).toEqual([
      "DROP INDEX IF EXISTS `i`",
      "ALTER TABLE `posts` RENAME TO `articles`",
      "ALTER TABLE `articles` DROP COLUMN `body`",
      "ALTER TABLE `articles` RENAME COLUMN `title` TO `heading`",
      "ALTER TABLE `articles` ADD COLUMN `views` NUMERIC DEFAULT 0 NOT NULL",
      "CREATE INDEX `j` ON `articles` (`heading`)",
    ]);
  });

  it("rebuilds the table with a conversion when a column's shape changes", () => {
    const old = base(
      "posts",
      [select("f1", "tags", 1), text("f2", "t")],
      ["CREATE INDEX `i` ON `posts` (`t`)"],
    );
    const next = base(
      "posts",
      [select("f1", "tags", 2), text("f2", "t")],
      ["CREATE INDEX `i` ON `posts` (`t`)"],
    );
    expect(planSchemaChange(old, next)).toEqual([
      "CREATE TABLE `_edgebase_rebuild_posts` (`id` TEXT PRIMARY KEY NOT NULL, `tags` JSON DEFAULT '[]' NOT NULL, `t` TEXT DEFAULT '' NOT NULL)",
      "INSERT INTO `_edgebase_rebuild_posts` (`id`, `tags`, `t`) SELECT `id`, CASE WHEN `tags` = '' THEN '[]' ELSE json_array(`tags`) END, `t` FROM `posts`",
      "DROP TABLE `posts`",
      "ALTER TABLE `_edgebase_rebuild_posts` RENAME TO `posts`",
      "CREATE INDEX `i` ON `posts` (`t`)",
    ]);
  });

  it("wraps structural changes with the other views dropped and recreated", () => {
    const view = {
      ...base("v", []),
      id: "v1",
      type: "view" as const,
      viewQuery: "SELECT id FROM posts",
      fields: [],
    };
    const plan = planSchemaChange(base("posts", [text("f1", "a")]), base("posts", [text("f1", "b")]), [view]);
    expect(plan[0]).toBe("DROP VIEW IF EXISTS `v`");
    expect(plan.at(-1)).toBe("CREATE VIEW `v` AS SELECT id FROM posts");
    // An index-only change needs no view juggling.
    expect(
      planSchemaChange(base("posts", []), base("posts", [], ["CREATE INDEX `i` ON `posts` (`id`)"]), [view]),
    ).toEqual(["CREATE INDEX `i` ON `posts` (`id`)"]);
  });

  it("renames a table by case only through a scratch name", () => {
    expect(planSchemaChange(base("posts", []), base("Posts", []))).toEqual([
      "ALTER TABLE `posts` RENAME TO `_edgebase_rebuild_Posts`",
      "ALTER TABLE `_edgebase_rebuild_Posts` RENAME TO `Posts`",
    ]);
  });

  it("throws a 400 at the field for a conversion that would lose data", () => {
    try {
      planSchemaChange(base("posts", [text("f1", "a")]), base("posts", [num("f1", "a")]));
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ApiError);
      expect((err as ApiError).data).toHaveProperty(["fields.1.type"]);
    }
  });

  it("drops views and tables", () => {
    expect(planSchemaChange(base("posts", []), null)).toEqual(["DROP TABLE `posts`"]);
  });
});
