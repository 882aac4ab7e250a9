/**
 * View collections through the pocketbase SDK (issue 22): field types inferred from the query, relations
 * through a view expanded, and `POST /api/collections/meta/dry-run-view`.
 */
import { env } from "cloudflare:workers";
import type PocketBase from "pocketbase";
import { beforeAll, describe, expect, it } from "vitest";
import { createSuperuser, PASSWORD, signUp } from "../http/routes/auth-helpers";
import { sdkClient } from "./sdk-client";

const client = sdkClient;
let root: PocketBase;
let authorsId: string;
let ann: string;

const CARDS_QUERY = `SELECT b.id, b.title AS name, b.pages, b.published, b.released, b.meta, b.author,
  a.id AS writer, CAST(b.pages AS INTEGER) AS whole, b.pages * 2 AS doubled
  FROM vw_books b JOIN vw_authors a ON a.id = b.author WHERE b.title != ''`;

type FieldJson = { name: string; type: string; [k: string]: unknown };
const typesOf = (fields: FieldJson[]) => Object.fromEntries(fields.map((f) => [f.name, f.type]));

beforeAll(async () => {
  await createSuperuser("root@views.test");
  root = client();
  await root.collection("_superusers").authWithPassword("root@views.test", PASSWORD);
  const authors = await root.collections.create({
    name: "vw_authors",
    listRule: "",
    viewRule: "",
    fields: [{ name: "name", type: "text" }],
  });
  authorsId = authors.id;
  await root.collections.create({
    name: "vw_books",
    listRule: "",
    viewRule: "",
    fields: [
      { name: "title", type: "text" },
      { name: "pages", type: "number" },
      { name: "published", type: "bool" },
      { name: "released", type: "date" },
      { name: "meta", type: "json" },
      { name: "author", type: "relation", collectionId: authors.id, maxSelect: 1 },
    ],
  });
  ann = (await root.collection("vw_authors").create({ name: "Ann" })).id;
  const bob = (await root.collection("vw_authors").create({ name: "Bob" })).id;
  await root.collection("vw_books").create({
    title: "Long",
    pages: 300,
    published: true,
    released: "2024-01-02 10:00:00.000Z",
    meta: { isbn: "1" },
    author: ann,
  });
  await root.collection("vw_books").create({ title: "Short", pages: 20, published: false, author: ann });
  await root.collection("vw_books").create({ title: "Other", pages: 50, published: true, author: bob });
  await signUp("viewer@views.test");
});

describe("view collections infer field types from the query", () => {
  it("copies source fields, makes ids relations, casts and counts numbers, the rest json", async () => {
    const cards = await root.collections.create({
      name: "vw_cards",
      type: "view",
      listRule: "",
      viewRule: "",
      viewQuery: CARDS_QUERY,
    });
    expect(typesOf(cards.fields)).toEqual({
      id: "text",
      name: "text",
      pages: "number",
      published: "bool",
      released: "date",
      meta: "json",
      author: "relation",
      writer: "relation",
      whole: "number",
      doubled: "json",
    });
    const byName = Object.fromEntries(cards.fields.map((f: FieldJson) => [f.name, f]));
    expect(byName.author).toMatchObject({ collectionId: authorsId, maxSelect: 1 });
    expect(byName.writer).toMatchObject({ collectionId: authorsId, maxSelect: 1 });
    expect(byName.whole).toMatchObject({ onlyInt: true });

    const counts = await root.collections.create({
      name: "vw_counts",
      type: "view",
      listRule: "",
      viewQuery:
        "SELECT a.id, a.name, count(b.id) AS books, total(b.pages) AS pages FROM vw_authors a LEFT JOIN vw_books b ON b.author = a.id GROUP BY a.id",
    });
    expect(typesOf(counts.fields)).toEqual({ id: "text", name: "text", books: "number", pages: "number" });
    const list = await client().collection("vw_counts").getFullList({ sort: "name" });
    expect(list.map((r) => [r.name, r.books, r.pages])).toEqual([
      ["Ann", 2, 320],
      ["Bob", 1, 50],
    ]);
  });

  it("answers typed values, filters on them and expands relations through the view", async () => {
    const pb = client();
    const long = await pb
      .collection("vw_cards")
      .getFirstListItem("published = true && pages > 100", { expand: "author,writer" });
    expect(long).toMatchObject({
      name: "Long",
      pages: 300,
      published: true,
      released: "2024-01-02 10:00:00.000Z",
      meta: { isbn: "1" },
      author: ann,
      writer: ann,
      whole: 300,
      doubled: 600,
    });
    expect(long.expand?.author).toMatchObject({ id: ann, name: "Ann" });
    expect(long.expand?.writer).toMatchObject({ id: ann, name: "Ann" });
    const byAuthor = await pb
      .collection("vw_cards")
      .getFullList({ filter: "author.name = 'Ann'", sort: "pages" });
    expect(byAuthor.map((r) => r.name)).toEqual(["Short", "Long"]);
  });

  it("saving the same view again changes no field", async () => {
    const before = await root.collections.getOne("vw_cards");
    const after = await root.collections.update("vw_cards", { viewQuery: `${CARDS_QUERY};` });
    expect(after.fields).toEqual(before.fields);
  });

  it("a column of an auth collection's password stays hidden in a view", async () => {
    const view = await root.collections.create({
      name: "vw_accounts",
      type: "view",
      listRule: "",
      viewQuery: "SELECT u.id, u.email AS mail, u.password AS pw FROM users u",
    });
    expect(view.fields.find((f: FieldJson) => f.name === "pw")).toMatchObject({
      type: "password",
      hidden: true,
    });
    const items = await client().collection("vw_accounts").getFullList();
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) expect(item).not.toHaveProperty("pw");
  });
});

describe("POST /api/collections/meta/dry-run-view", () => {
  const dryRun = (pb: PocketBase, body: unknown) =>
    pb.send("/api/collections/meta/dry-run-view", { method: "POST", body });

  it("answers the inferred fields and a sample, and saves nothing", async () => {
    const before = (await root.collections.getFullList()).length;
    const res = await dryRun(root, { query: CARDS_QUERY });
    expect(typesOf(res.fields)).toMatchObject({ author: "relation", pages: "number", published: "bool" });
    expect(res.sample).toHaveLength(3);
    expect(res.sample.find((r: { name: string }) => r.name === "Long")).toMatchObject({
      pages: 300,
      published: true,
      meta: { isbn: "1" },
    });
    expect((await root.collections.getFullList()).length).toBe(before);
  });

  it("refuses bad queries and bad bodies at query with a 400", async () => {
    const cases: unknown[] = [
      { query: "SELECT id FROM nowhere" },
      { query: "SELECT title FROM vw_books" },
      { query: "SELECT id, password FROM _superusers" },
      { query: "DELETE FROM vw_books" },
      { query: "SELECT 'same' AS id FROM vw_books" },
      { query: "SELECT '' AS id FROM vw_books" },
      { query: 42 },
      { query: "" },
      { query: `SELECT id FROM vw_books WHERE title != '${"x".repeat(10_001)}'` },
      {},
    ];
    for (const body of cases) {
      await expect(dryRun(root, body), JSON.stringify(body).slice(0, 80)).rejects.toMatchObject({
        status: 400,
        response: { data: { query: expect.objectContaining({ code: expect.any(String) }) } },
      });
    }
    const res = await env.DB.prepare("SELECT count(*) AS n FROM vw_books").first<{ n: number }>();
    expect(res?.n).toBe(3);
  });

  it("is for superusers only", async () => {
    await expect(dryRun(client(), { query: CARDS_QUERY })).rejects.toMatchObject({ status: 401 });
    const user = client();
    await user.collection("users").authWithPassword("viewer@views.test", PASSWORD);
    await expect(dryRun(user, { query: CARDS_QUERY })).rejects.toMatchObject({ status: 403 });
  });
});
