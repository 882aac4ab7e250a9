/** parseViewSelect: the columns and tables of a view query, as PocketBase's identifiers parser reads them. */
import { describe, expect, it } from "vitest";
import { parseViewSelect } from "../../src/collections/view-select";

describe("parseViewSelect", () => {
  it("reads aliases with and without AS, quoted names, joins and skips clauses", () => {
    const parsed =
      parseViewSelect(`SELECT DISTINCT p."id", p.title AS "Name", [u].email mail, count(c.id) AS n,
      CAST(p.views AS INTEGER) AS v, (SELECT 1 FROM x WHERE y = 2) AS sub
      FROM posts AS p LEFT JOIN users u ON u.id = p.author INNER JOIN comments c USING (id)
      WHERE p.title != 'a, b' GROUP BY p.id ORDER BY p.id LIMIT 5;`);
    expect(parsed.columns).toEqual([
      { original: "p.id", alias: "id" },
      { original: "p.title", alias: "Name" },
      { original: "u.email", alias: "mail" },
      { original: "count(c.id)", alias: "n" },
      { original: "CAST(p.views AS INTEGER)", alias: "v" },
      { original: expect.stringMatching(/^\(SELECT 1 FROM x /), alias: "sub" },
    ]);
    expect(parsed.tables).toEqual([
      { original: "posts", alias: "p" },
      { original: "users", alias: "u" },
      { original: "comments", alias: "c" },
    ]);
  });

  it("leaves out expressions it cannot name, subquery tables and compound parts", () => {
    const parsed = parseViewSelect(
      "WITH t AS (SELECT id FROM a) SELECT id, n + 1 AS m, * FROM t, (SELECT id FROM b) AS s UNION SELECT id, 1, 2 FROM c",
    );
    expect(parsed.columns).toEqual([
      { original: "id", alias: "id" },
      { original: "*", alias: "*" },
    ]);
    expect(parsed.tables).toEqual([{ original: "t", alias: "t" }]);
  });
});
