import { describe, expect, it } from "vitest";
import { buildIndexSql, IndexSyntaxError, parseIndex } from "../../src/collections/index-sql";

const COLUMNS = new Map(["id", "title", "Email", "views"].map((c) => [c.toLowerCase(), c]));
const column = (name: string) => COLUMNS.get(name.toLowerCase());
const rebuild = (sql: string) => buildIndexSql(parseIndex(sql, column));

describe("parseIndex + buildIndexSql", () => {
  it.each([
    ["CREATE INDEX idx_a ON posts (title)", "CREATE INDEX `idx_a` ON `posts` (`title`)"],
    [
      'create unique index if not exists idx_b on `posts` ("email" collate nocase desc, [views] asc);',
      "CREATE UNIQUE INDEX `idx_b` ON `posts` (`Email` COLLATE NOCASE DESC, `views` ASC)",
    ],
    [
      "CREATE INDEX idx_c ON posts (title) WHERE email != '' AND (views > 10 OR views IS NULL)",
      "CREATE INDEX `idx_c` ON `posts` (`title`) WHERE `Email` != '' AND (`views` > 10 OR `views` IS NULL)",
    ],
    [
      "CREATE INDEX idx_d ON posts (title) WHERE title = 'it''s' AND NOT views <= -1.5",
      "CREATE INDEX `idx_d` ON `posts` (`title`) WHERE `title` = 'it''s' AND NOT `views` <= -1.5",
    ],
    [
      "create unique index idx_e on posts (LOWER(email)) where email != ''",
      "CREATE UNIQUE INDEX `idx_e` ON `posts` (lower(`Email`)) WHERE `Email` != ''",
    ],
    [
      "CREATE INDEX idx_f ON posts (json_extract([title], '$.a[2].b') DESC, upper(\"views\") COLLATE NOCASE)",
      "CREATE INDEX `idx_f` ON `posts` (json_extract(`title`, '$.a[2].b') DESC, upper(`views`) COLLATE NOCASE)",
    ],
  ])("%s", (sql, expected) => {
    expect(rebuild(sql)).toBe(expected);
    // The canonical form is a fixed point.
    expect(rebuild(expected)).toBe(expected);
  });

  it.each([
    ["DROP INDEX x", "Expected CREATE."],
    ["CREATE INDEX x ON posts (nope)", 'Unknown column "nope".'],
    ["CREATE INDEX x ON posts (title) WHERE nope = 1", 'Unknown column "nope".'],
    [
      "CREATE INDEX x ON posts (random(title))",
      'Index expressions may use lower, upper, trim, ltrim, rtrim, length, abs, json_extract, not "random".',
    ],
    ["CREATE INDEX x ON posts (lower(nope))", 'Unknown column "nope".'],
    ["CREATE INDEX x ON posts (lower(title, views))", 'Expected ")".'],
    ["CREATE INDEX x ON posts (lower(lower(title)))", 'Unknown column "lower".'],
    [
      "CREATE INDEX x ON posts (json_extract(title, '$; DROP'))",
      "json_extract needs a path such as '$.a.b' or '$.list[0]'.",
    ],
    [
      "CREATE INDEX x ON posts (json_extract(title, views))",
      "json_extract needs a path such as '$.a.b' or '$.list[0]'.",
    ],
    ["CREATE INDEX x ON posts (lower((SELECT 1)))", "Expected a column name."],
    ["CREATE INDEX x ON posts (title); DROP TABLE posts", "Unexpected text after the index definition."],
    ["CREATE INDEX x ON posts (title) WHERE title = (SELECT 1)", 'Unexpected "(" in the index condition.'],
    ["CREATE INDEX x ON posts (title COLLATE evil)", 'Unknown collation "EVIL".'],
    ["CREATE INDEX `a b` ON posts (title)", "Invalid index name."],
    ["CREATE INDEX x ON posts (title) -- comment", "Unexpected character at 32."],
    ["CREATE INDEX x ON posts (title", 'Expected ")".'],
  ])("rejects %s", (sql, message) => {
    expect(() => parseIndex(sql, column)).toThrow(new IndexSyntaxError(message));
  });

  it("limits the size of a partial-index condition", () => {
    const where = Array.from({ length: 25 }, () => "views = 1").join(" OR ");
    expect(() => parseIndex(`CREATE INDEX x ON posts (title) WHERE ${where}`, column)).toThrow(/too long/);
  });
});
