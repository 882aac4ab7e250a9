/** GraphQL reads through graphql-request: list parameters, view, relations, schema per caller class, SDL, GET, explorer. */
import { beforeAll, describe, expect, it } from "vitest";
import { api } from "../helpers/request";
import { authed, createSuperuser, type Json, signIn } from "../http/routes/auth-helpers";
import { type Blog, createBlog } from "./fixtures";
import { gql, rest } from "./helpers";

let su = "";
let ann = "";
let blog: Blog;
beforeAll(async () => {
  await createSuperuser("root@example.com");
  su = (await signIn("root@example.com", "_superusers")).token;
  blog = await createBlog(su, 12, 1);
  ann = (await signIn("ann@example.com")).token;
});

describe("list queries", () => {
  it("filter, sort, page and perPage give what the REST list gives", async () => {
    const { data, errors } = await gql(
      null,
      `{ posts(filter: "views >= 3 && views < 9", sort: "-views", page: 2, perPage: 2) {
           page perPage totalItems totalPages items { id title views tags } } }`,
    );
    expect(errors).toEqual([]);
    const restList = (await (
      await api(
        `/api/collections/posts/records?filter=${encodeURIComponent("views >= 3 && views < 9")}&sort=-views&page=2&perPage=2`,
      )
    ).json()) as Json;
    expect(data.posts).toMatchObject({ page: 2, perPage: 2, totalItems: 6, totalPages: 3 });
    expect(data.posts.items).toEqual(
      restList.items.map((r: Json) => ({ id: r.id, title: r.title, views: r.views, tags: r.tags })),
    );
    expect(data.posts.items.map((r: Json) => r.views)).toEqual([6, 5]);
  });

  it("walks every record with cursor and skipTotal, ending with a null nextCursor", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 10; i++) {
      const { data, errors } = await gql(
        null,
        'query ($cursor: String) { posts(perPage: 5, sort: "title", cursor: $cursor, skipTotal: true) { totalItems nextCursor items { title } } }',
        { cursor },
      );
      expect(errors).toEqual([]);
      expect(data.posts.totalItems).toBe(-1);
      seen.push(...data.posts.items.map((r: Json) => r.title));
      cursor = data.posts.nextCursor;
      if (cursor === null) break;
    }
    expect(seen).toHaveLength(12);
    expect(seen).toEqual([...seen].sort());
  });

  it("a bad filter is REST's 400 with the parameter's field code", async () => {
    const { errors } = await gql(null, '{ posts(filter: "nope ~") { totalItems } }');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.path).toEqual(["posts"]);
    expect(errors[0]?.extensions).toMatchObject({ status: 400, code: "BAD_REQUEST" });
    const restBody = (await (
      await api(`/api/collections/posts/records?filter=${encodeURIComponent("nope ~")}`)
    ).json()) as Json;
    expect(errors[0]?.extensions.data).toEqual(restBody.data);
    expect(errors[0]?.message).toBe(restBody.message);
  });

  it("perPage over the maximum is clamped by the same parser as REST", async () => {
    const { data, errors } = await gql(null, "{ posts(perPage: 1001, page: 0) { page perPage } }");
    expect(errors).toEqual([]);
    expect(data.posts).toEqual({ page: 1, perPage: 1000 });
  });
});

describe("view and relations", () => {
  it("views by id, with the author (users' viewRule applies) and back-relations", async () => {
    const id = blog.posts[0];
    const query = `query ($id: ID!) { posts_view(id: $id) { title expand { author { id name } comments_via_post { text } } } }`;
    const asAnn = await gql(ann, query, { id });
    expect(asAnn.errors).toEqual([]);
    // post 0's author is ann: she may view her own user record.
    expect(asAnn.data.posts_view.expand.author).toEqual({ id: blog.users[0], name: "ann" });
    expect(asAnn.data.posts_view.expand.comments_via_post).toEqual([{ text: "c0.0" }]);
    const other = await gql(ann, query, { id: blog.posts[1] });
    // post 1's author is bob: the users viewRule filters him out, as REST's expand does.
    expect(other.data.posts_view.expand.author).toBeNull();
  });

  it("a missing record is REST's 404 with a null field", async () => {
    const { data, errors } = await gql(null, '{ posts_view(id: "nope") { id } }');
    expect(data).toEqual({ posts_view: null });
    expect(errors[0]?.extensions).toEqual({ status: 404, code: "NOT_FOUND", data: {} });
  });

  it("expands relations selected through fragments and aliases once", async () => {
    const { data, errors } = await gql(
      su,
      `fragment A on Posts { expand { author { name } } }
       { posts(sort: "title", perPage: 1) { items { ...A second: expand { a2: author { email } } } } }`,
    );
    expect(errors).toEqual([]);
    expect(data.posts.items[0].expand.author.name).toBe("ann");
    expect(data.posts.items[0].second.a2.email).toBe("ann@example.com");
  });
});

describe("schema per caller class", () => {
  async function fieldsOf(token: string | null, type: string): Promise<string[] | null> {
    const { data } = await gql(token, `{ __type(name: "${type}") { fields { name } } }`);
    return data.__type?.fields.map((f: Json) => f.name) ?? null;
  }

  it("guests and users see no hidden fields; superusers do", async () => {
    expect(await fieldsOf(null, "Posts")).not.toContain("secret");
    expect(await fieldsOf(ann, "Posts")).not.toContain("secret");
    expect(await fieldsOf(su, "Posts")).toContain("secret");
    const { data } = await gql(su, '{ posts(sort: "title", perPage: 1) { items { secret } } }');
    expect(data.posts.items[0].secret).toBe("s0");
  });

  it("back-relations through a hidden relation field are for superusers only", async () => {
    const posts = await rest(su, "GET", "/api/collections/posts");
    await rest(su, "POST", "/api/collections", {
      name: "notes",
      type: "base",
      listRule: "",
      viewRule: "",
      fields: [{ name: "post", type: "relation", collectionId: posts.id, maxSelect: 1, hidden: true }],
    });
    expect(await fieldsOf(null, "PostsExpand")).not.toContain("notes_via_post");
    expect(await fieldsOf(null, "PostsExpand")).toContain("comments_via_post");
    expect(await fieldsOf(su, "PostsExpand")).toContain("notes_via_post");
  });

  it("collections nobody but a superuser may read are not in a guest's schema", async () => {
    await rest(su, "POST", "/api/collections", {
      name: "vault",
      type: "base",
      fields: [{ name: "x", type: "text" }],
    });
    expect(await fieldsOf(null, "Vault")).toBeNull();
    expect(await fieldsOf(su, "Vault")).toContain("x");
    const { errors } = await gql(null, "{ vault { totalItems } }");
    expect(errors[0]?.extensions.code).toBe("GRAPHQL_VALIDATION_FAILED");
    // The schema follows schema changes: opening the list rule adds the collection.
    await rest(su, "PATCH", "/api/collections/vault", { listRule: "" });
    expect((await gql(null, "{ vault { totalItems } }")).data.vault.totalItems).toBe(0);
  });

  it("collections named like built-in types or each other's page types get distinct names", async () => {
    for (const name of ["string", "query", "health", "posts_page", "Boolean_"])
      await rest(su, "POST", "/api/collections", {
        name,
        type: "base",
        listRule: "",
        viewRule: "",
        fields: [{ name: "x", type: "text" }],
      });
    const { data, errors } = await gql(null, "{ __schema { types { name } queryType { fields { name } } } }");
    expect(errors).toEqual([]);
    const types = data.__schema.types.map((t: Json) => t.name);
    expect(types).toContain("PostsPage");
    expect(types.filter((t: string) => /^String_\w+$/.test(t))).toHaveLength(1);
    expect(types.filter((t: string) => /^Query_\w+$/.test(t))).toHaveLength(1);
    const roots = data.__schema.queryType.fields.map((f: Json) => f.name);
    expect(roots).toContain("health");
    expect(roots).toContain("health_view");
    expect(roots.filter((f: string) => /^health_(?!view)\w+$/.test(f))).toHaveLength(1);
    const page = await gql(null, "{ posts_page { totalItems } string { totalItems } health }");
    expect(page.data).toEqual({ posts_page: { totalItems: 0 }, string: { totalItems: 0 }, health: "ok" });
  });

  it("types fields from field types", async () => {
    const { data } = await gql(
      su,
      `{ __type(name: "Posts") { fields { name type { kind name ofType { kind name ofType { name } } } } } }`,
    );
    const types = Object.fromEntries(data.__type.fields.map((f: Json) => [f.name, f.type]));
    expect(types.id).toMatchObject({ kind: "NON_NULL", ofType: { name: "ID" } });
    expect(types.views.name).toBe("Float");
    expect(types.tags).toMatchObject({
      kind: "LIST",
      ofType: { kind: "NON_NULL", ofType: { name: "String" } },
    });
    expect(types.author.name).toBe("String");
    expect(types.expand.ofType.name).toBe("PostsExpand");
  });
});

describe("endpoints", () => {
  it("serves queries over GET, and refuses mutations over GET", async () => {
    const query = encodeURIComponent("query ($n: Int) { posts(perPage: $n) { perPage } }");
    const res = await api(`/api/graphql?query=${query}&variables=${encodeURIComponent('{"n":3}')}`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as Json).data.posts.perPage).toBe(3);
    const mutation = encodeURIComponent('mutation { posts_delete(id: "x") }');
    const refused = (await (await api(`/api/graphql?query=${mutation}`)).json()) as Json;
    expect(refused.errors[0].extensions.status).toBe(405);
  });

  it("serves the caller's SDL", async () => {
    const guest = await (await api("/api/graphql/schema.graphql")).text();
    expect(guest).toContain("type Posts {");
    expect(guest).not.toContain("secret");
    const superuser = await (await authed(su, "/api/graphql/schema.graphql")).text();
    expect(superuser).toContain("secret: String");
    expect(superuser).toContain("posts_create(data: JSON!): Posts");
  });

  it("serves the self-contained explorer to browsers", async () => {
    const res = await api("/api/graphql", { headers: { accept: "text/html" } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("<title>Edgebase GraphQL</title>");
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);
  });

  it("a body that is not a GraphQL request is a 400 in REST's shape", async () => {
    const res = await api("/api/graphql", {
      method: "POST",
      body: "nope",
      headers: { "content-type": "application/json" },
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as Json).status).toBe(400);
  });
});
