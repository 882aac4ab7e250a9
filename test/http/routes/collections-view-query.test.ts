import { beforeAll, describe, expect, it } from "vitest";
import { call, SUPERUSER } from "../../records/harness";

const view = (name: string, viewQuery: string) =>
  call(SUPERUSER, "POST", "/api/collections", { name, type: "view", listRule: "", viewRule: "", viewQuery });

beforeAll(async () => {
  const res = await call(SUPERUSER, "POST", "/api/collections", {
    name: "vq_posts",
    type: "base",
    listRule: "",
    fields: [{ name: "title", type: "text" }],
  });
  expect(res.status).toBe(200);
  expect(
    (await call(SUPERUSER, "POST", "/api/collections/vq_posts/records", { title: "hello" })).status,
  ).toBe(200);
});

describe("view queries cannot read system tables (issue 13 #18)", () => {
  const attacks = [
    "SELECT id, tokenSecret AS secret FROM _collections",
    'select "id", "password" as p from "_superusers"',
    "SELECT id, password AS p FROM main.[_superusers]",
    "SELECT id, password AS p FROM `_otps`",
    "SELECT c.id, c.tokenSecret AS s FROM vq_posts p JOIN _COLLECTIONS c ON 1 = 1",
    "SELECT name AS id, sql AS s FROM 'sqlite_master'",
    "SELECT name AS id FROM SQLITE_SCHEMA",
    "SELECT name AS id FROM sqlite_temp_master",
    "WITH x AS (SELECT id, value AS v FROM _params) SELECT id, v FROM x",
    "SELECT id, (SELECT value FROM _params LIMIT 1) AS v FROM vq_posts",
    "SELECT name AS id FROM pragma_table_list",
    "SELECT name AS id FROM pragma_table_info('_superusers')",
    "SELECT name AS id FROM d1_migrations",
    "SELECT id FROM vq_posts /* _superusers */",
    "SELECT id FROM vq_posts -- sqlite_master",
  ];

  it.each(attacks.map((q, i) => [i, q]))("#%s refused with a 400: %s", async (i, query) => {
    const res = await view(`sysview${i}`, query as string);
    expect(res.status).toBe(400);
    expect(res.body.data.viewQuery.code).toBe("validation_invalid_view_query");
    expect(res.body.data.viewQuery.message).not.toMatch(/failed/);
    expect((await call(SUPERUSER, "GET", `/api/collections/sysview${i}`)).status).toBe(404);
  });

  it("a view over user tables still works, quoted names and rowid alias included", async () => {
    const res = await view(
      "vq_titles",
      "SELECT \"id\", [title], _rowid_ AS n FROM `vq_posts` WHERE title != 'x'",
    );
    expect(res.status).toBe(200);
    const list = await call(null, "GET", "/api/collections/vq_titles/records");
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([expect.objectContaining({ title: "hello", n: 1 })]);
  });
});
