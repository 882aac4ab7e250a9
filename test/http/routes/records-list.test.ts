import { beforeAll, describe, expect, it } from "vitest";
import { asUser, buildWorld, type World } from "../../records/fixtures";
import { call, type Json, SUPERUSER, seed } from "../../records/harness";

let w: World;
const list = (auth: Json, query = "") => call(auth, "GET", `/api/collections/posts/records${query}`);
const titles = (body: Json) => body.items.map((r: Json) => r.title);

beforeAll(async () => {
  w = await buildWorld();
});

describe("GET /api/collections/{c}/records: listRule outcomes", () => {
  it("guests see only published posts", async () => {
    const res = await list(null, "?sort=title");
    expect(res.status).toBe(200);
    expect(titles(res.body)).toEqual(["Alpha", "Gamma"]);
    expect(res.body).toMatchObject({ page: 1, perPage: 30, totalItems: 2, totalPages: 1 });
  });

  it("the owner also sees their drafts; another user does not", async () => {
    expect(titles((await list(asUser(w.alice), "?sort=title")).body)).toEqual([
      "Alpha",
      "Beta draft",
      "Gamma",
    ]);
    expect(titles((await list(asUser(w.bob), "?sort=title")).body)).toEqual(["Alpha", "Gamma"]);
  });

  it("superusers bypass the rule and see hidden fields", async () => {
    const res = await list(SUPERUSER, "?sort=title");
    expect(titles(res.body)).toEqual(["Alpha", "Beta draft", "Gamma"]);
    expect(res.body.items[0].secret).toBe("s1");
  });

  it("hidden fields are never returned to non-superusers", async () => {
    const res = await list(asUser(w.alice), "?sort=title");
    expect(res.body.items[0]).not.toHaveProperty("secret");
    expect(res.body.items[0]).toMatchObject({
      collectionName: "posts",
      collectionId: w.posts.id,
      id: w.p1.id,
    });
  });

  it("a locked (null) listRule is 403 for guests and users, 200 for superusers", async () => {
    const guest = await call(null, "GET", "/api/collections/locked/records");
    expect(guest.status).toBe(403);
    expect(guest.body).toMatchObject({ status: 403, data: {} });
    expect((await call(asUser(w.alice), "GET", "/api/collections/locked/records")).status).toBe(403);
    const su = await call(SUPERUSER, "GET", "/api/collections/locked/records");
    expect(su.status).toBe(200);
    expect(su.body.items.map((r: Json) => r.title)).toEqual(["hidden"]);
  });

  it("an unknown collection is 404", async () => {
    expect((await call(null, "GET", "/api/collections/nope/records")).status).toBe(404);
  });

  it("auth records hide emails unless visible, own, or superuser", async () => {
    const res = await call(SUPERUSER, "GET", "/api/collections/users/records?sort=name");
    expect(res.body.items.map((u: Json) => u.email)).toEqual(["alice@example.com", "bob@example.com"]);
    expect(res.body.items[0]).not.toHaveProperty("password");
    expect(res.body.items[0]).not.toHaveProperty("tokenKey");
    const own = await call(asUser(w.alice), "GET", "/api/collections/users/records");
    expect(own.body.items).toHaveLength(1);
    expect(own.body.items[0].email).toBe("alice@example.com");
  });
});

describe("filter", () => {
  it("filters with the client expression AND the listRule", async () => {
    const res = await list(null, `?filter=${encodeURIComponent("views > 6")}&sort=views`);
    expect(titles(res.body)).toEqual(["Gamma", "Alpha"]);
    const drafts = await list(null, `?filter=${encodeURIComponent("published = false")}`);
    expect(drafts.body.items).toEqual([]);
  });

  it("relation paths apply the related collection's listRule", async () => {
    const q = `?filter=${encodeURIComponent('owner.name = "Alice"')}&sort=title`;
    expect(titles((await list(null, q)).body)).toEqual([]);
    expect(titles((await list(asUser(w.alice), q)).body)).toEqual(["Alpha", "Beta draft"]);
    expect(titles((await list(SUPERUSER, q)).body)).toEqual(["Alpha", "Beta draft"]);
  });

  it("multi-valued fields: ?= matches any item", async () => {
    const res = await list(SUPERUSER, `?filter=${encodeURIComponent('tags ?= "b"')}`);
    expect(titles(res.body)).toEqual(["Alpha"]);
  });

  it("back-relations can be filtered", async () => {
    const res = await list(null, `?filter=${encodeURIComponent('comments_via_post.message ?= "first"')}`);
    expect(titles(res.body)).toEqual(["Alpha"]);
  });

  it("hidden fields are unknown to non-superusers (400) but filterable by superusers", async () => {
    const q = `?filter=${encodeURIComponent('secret = "s1"')}`;
    const res = await list(asUser(w.alice), q);
    expect(res.status).toBe(400);
    expect(res.body.data).toHaveProperty("filter");
    expect(titles((await list(SUPERUSER, q)).body)).toEqual(["Alpha"]);
  });

  it("@request.* and @collection.* are 403 in client filters", async () => {
    const a = await list(asUser(w.alice), `?filter=${encodeURIComponent("owner = @request.auth.id")}`);
    expect(a.status).toBe(403);
    const b = await list(null, `?filter=${encodeURIComponent('@collection.comments.message = "x"')}`);
    expect(b.status).toBe(403);
  });

  it("malformed, unknown-field and over-limit filters are 400 with the error shape", async () => {
    for (const filter of [
      "title = ",
      "nope = 1",
      `title = "${"x".repeat(3600)}"`,
      Array(201).fill("views = 1").join(" || "),
    ]) {
      const res = await list(null, `?filter=${encodeURIComponent(filter)}`);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({
        status: 400,
        message: expect.any(String),
        data: { filter: expect.any(Object) },
      });
    }
  });

  it("a filter needing more than 100 bound parameters is 400, not 500", async () => {
    const filter = Array.from({ length: 120 }, (_, i) => `views = ${i}`).join(" || ");
    const res = await list(null, `?filter=${encodeURIComponent(filter)}`);
    expect(res.status).toBe(400);
  });
});

describe("sort, page, perPage, skipTotal", () => {
  it("sorts by several terms, relation fields and @rowid", async () => {
    expect(titles((await list(SUPERUSER, "?sort=-views")).body)).toEqual(["Alpha", "Gamma", "Beta draft"]);
    expect(titles((await list(SUPERUSER, "?sort=published,-title")).body)).toEqual([
      "Beta draft",
      "Gamma",
      "Alpha",
    ]);
    expect(titles((await list(SUPERUSER, "?sort=-owner.name,title")).body)).toEqual([
      "Gamma",
      "Alpha",
      "Beta draft",
    ]);
    expect(titles((await list(SUPERUSER, "?sort=-@rowid")).body)).toEqual(["Gamma", "Beta draft", "Alpha"]);
    expect(titles((await list(SUPERUSER)).body)).toEqual(["Alpha", "Beta draft", "Gamma"]);
  });

  it("@random returns every record", async () => {
    const res = await list(SUPERUSER, "?sort=@random");
    expect([...titles(res.body)].sort()).toEqual(["Alpha", "Beta draft", "Gamma"]);
    expect(res.body).not.toHaveProperty("nextCursor");
  });

  it("@request.* and @collection.* are 403 in sort", async () => {
    expect((await list(asUser(w.alice), "?sort=-@request.auth.id")).status).toBe(403);
    expect((await list(null, "?sort=@collection.posts.title")).status).toBe(403);
  });

  it("bad sorts are 400 naming the parameter", async () => {
    for (const sort of ["tags", "secret", "nope", "a,b,c,d,e,f,g,h,i", "title;drop"]) {
      const res = await list(asUser(w.alice), `?sort=${encodeURIComponent(sort)}`);
      expect(res.status, sort).toBe(400);
      expect(res.body.data).toHaveProperty("sort");
    }
  });

  it("pages with totals, and without them on skipTotal", async () => {
    const res = await list(SUPERUSER, "?sort=title&page=2&perPage=2");
    expect(res.body).toMatchObject({ page: 2, perPage: 2, totalItems: 3, totalPages: 2 });
    expect(titles(res.body)).toEqual(["Gamma"]);
    const skip = await list(SUPERUSER, "?sort=title&perPage=2&skipTotal=1");
    expect(skip.body).toMatchObject({ totalItems: -1, totalPages: -1 });
    expect(titles(skip.body)).toEqual(["Alpha", "Beta draft"]);
  });

  it("bad page parameters are 400; out-of-range ones are clamped as PocketBase does", async () => {
    for (const q of ["?page=abc", "?perPage=1.5", "?skipTotal=maybe", "?page=99999999999"]) {
      const res = await list(null, q);
      expect(res.status, q).toBe(400);
    }
    const clamped = await list(SUPERUSER, "?sort=title&page=0&perPage=5000");
    expect(clamped.status).toBe(200);
    expect(clamped.body).toMatchObject({ page: 1, perPage: 1000, totalItems: 3 });
    const zero = await list(SUPERUSER, "?perPage=0&page=-2");
    expect(zero.body).toMatchObject({ page: 1, perPage: 30 });
  });
});

describe("cursor", () => {
  it("walks every record once, stable under concurrent inserts", async () => {
    const seen: string[] = [];
    let res = await list(SUPERUSER, "?sort=-views&perPage=2&skipTotal=1");
    seen.push(...titles(res.body));
    // A record inserted before the cursor's position must not shift the next page.
    await seed("posts", { title: "Late", owner: w.bob.id, views: 100, published: true });
    while (res.body.nextCursor) {
      res = await list(SUPERUSER, `?sort=-views&perPage=2&cursor=${res.body.nextCursor}`);
      expect(res.status).toBe(200);
      seen.push(...titles(res.body));
    }
    expect(seen).toEqual(["Alpha", "Gamma", "Beta draft"]);
  });

  it("is refused with @random, another sort, or tampering", async () => {
    const first = await list(SUPERUSER, "?sort=title&perPage=1");
    const cursor = first.body.nextCursor as string;
    expect((await list(SUPERUSER, `?sort=@random&cursor=${cursor}`)).status).toBe(400);
    expect((await list(SUPERUSER, `?sort=-title&cursor=${cursor}`)).status).toBe(400);
    expect((await list(SUPERUSER, `?sort=title&cursor=${cursor}x`)).status).toBe(400);
    expect((await list(SUPERUSER, `?sort=title&cursor=${cursor}&page=2`)).status).toBe(400);
  });
});

describe("expand and fields", () => {
  it("expands relations the caller may view, leaves out the others", async () => {
    const su = await list(SUPERUSER, `?filter=${encodeURIComponent(`id = "${w.p1.id}"`)}&expand=owner`);
    expect(su.body.items[0].expand.owner).toMatchObject({ id: w.alice.id, name: "Alice" });
    const guest = await list(null, `?filter=${encodeURIComponent(`id = "${w.p1.id}"`)}&expand=owner`);
    expect(guest.body.items[0]).not.toHaveProperty("expand");
    const own = await list(
      asUser(w.alice),
      `?filter=${encodeURIComponent(`id = "${w.p1.id}"`)}&expand=owner`,
    );
    expect(own.body.items[0].expand.owner.id).toBe(w.alice.id);
  });

  it("expands back-relations and nested paths", async () => {
    const res = await list(
      SUPERUSER,
      `?filter=${encodeURIComponent(`id = "${w.p1.id}"`)}&expand=comments_via_post.author`,
    );
    const comments = res.body.items[0].expand.comments_via_post;
    expect(comments.map((c: Json) => c.message)).toEqual(["first", "second"]);
    expect(comments.map((c: Json) => c.expand.author.name)).toEqual(["Bob", "Alice"]);
  });

  it("rejects unknown, non-relation and too deep expands", async () => {
    for (const expand of ["nope", "title", "owner.a.b.c.d.e.f"]) {
      const res = await list(null, `?expand=${expand}`);
      expect(res.status, expand).toBe(400);
      expect(res.body.data).toHaveProperty("expand");
    }
  });

  it("projects fields, nested expand fields and excerpts", async () => {
    const q = `?filter=${encodeURIComponent(`id = "${w.p1.id}"`)}&expand=owner&fields=${encodeURIComponent("id,title,expand.owner.name,body:excerpt(10,true)")}`;
    const res = await list(SUPERUSER, q);
    expect(res.body.items[0]).toEqual({
      id: w.p1.id,
      title: "Alpha",
      body: "Hello worl...",
      expand: { owner: { name: "Alice" } },
    });
    const star = await list(
      SUPERUSER,
      `?perPage=1&sort=title&fields=${encodeURIComponent("*,expand.owner.id")}&expand=owner`,
    );
    expect(star.body.items[0]).toMatchObject({ title: "Alpha", expand: { owner: { id: w.alice.id } } });
    expect(Object.keys(star.body.items[0].expand.owner)).toEqual(["id"]);
  });
});
