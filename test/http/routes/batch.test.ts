import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { asUser, buildWorld, type World } from "../../records/fixtures";
import { call, emitted, type Json, request, SUPERUSER } from "../../records/harness";

let w: World;

beforeAll(async () => {
  w = await buildWorld();
});

async function titles(): Promise<string[]> {
  const rows = await env.DB.prepare("SELECT title FROM posts ORDER BY rowid").all<{ title: string }>();
  return rows.results.map((r) => r.title);
}

const create = (body: Json, query = "") => ({
  method: "POST",
  url: `/api/collections/posts/records${query}`,
  body,
});

describe("POST /api/batch", () => {
  it("runs create, update, upsert and delete together and answers per request", async () => {
    const doomed = await call(SUPERUSER, "POST", "/api/collections/posts/records", {
      title: "Doomed",
      owner: w.bob.id,
    });
    const before = emitted.length;
    const res = await call(asUser(w.bob), "POST", "/api/batch", {
      requests: [
        create({ title: "B1", owner: w.bob.id }, "?fields=title"),
        { method: "PATCH", url: `/api/collections/posts/records/${w.p3.id}`, body: { "views+": 1 } },
        {
          method: "PUT",
          url: "/api/collections/posts/records",
          body: { id: "upserted0000001", title: "U1", owner: w.bob.id },
        },
        { method: "DELETE", url: `/api/collections/posts/records/${doomed.body.id}` },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.map((r: Json) => r.status)).toEqual([200, 200, 200, 204]);
    expect(res.body[0].body).toEqual({ title: "B1" });
    expect(res.body[1].body.views).toBe(8);
    expect(res.body[3].body).toBeNull();
    expect(emitted.slice(before).map((e) => e.action)).toEqual(["create", "update", "create", "delete"]);
    const again = await call(asUser(w.bob), "POST", "/api/batch", {
      requests: [
        {
          method: "PUT",
          url: "/api/collections/posts/records",
          body: { id: "upserted0000001", title: "U2" },
        },
      ],
    });
    expect(again.body).toMatchObject([{ status: 200, body: { id: "upserted0000001", title: "U2" } }]);
  });

  it("is all or nothing: a last request failing its rule leaves no trace", async () => {
    const before = await titles();
    const res = await call(asUser(w.bob), "POST", "/api/batch", {
      requests: [
        create({ title: "X1", owner: w.bob.id }),
        { method: "PATCH", url: `/api/collections/posts/records/${w.p3.id}`, body: { title: "changed" } },
        create({ title: "X2", owner: w.alice.id }),
      ],
    });
    expect(res.status).toBe(400);
    expect(res.body.data.requests["2"]).toMatchObject({
      code: "batch_request_failed",
      response: { status: 400 },
    });
    expect(await titles()).toEqual(before);
  });

  it("a missing relation target names its request and field, and rolls back the earlier writes", async () => {
    const before = await titles();
    const res = await call(asUser(w.bob), "POST", "/api/batch", {
      requests: [create({ title: "Z1", owner: w.bob.id }), create({ title: "Z2", owner: "nosuchuser0000" })],
    });
    expect(res.status).toBe(400);
    expect(res.body.data.requests["1"]).toMatchObject({
      code: "batch_request_failed",
      response: { status: 400, data: { owner: { code: "validation_missing_rel_records" } } },
    });
    expect(await titles()).toEqual(before);
  });

  it("a unique violation late in the batch rolls back the earlier writes", async () => {
    const before = await titles();
    const res = await call(SUPERUSER, "POST", "/api/batch", {
      requests: [create({ title: "Y1", slug: "dup" }), create({ title: "Y2", slug: "dup" })],
    });
    expect(res.status).toBe(400);
    expect(await titles()).toEqual(before);
  });

  it("each request is checked with the caller's rules (404 for others' records, 403 locked)", async () => {
    const update = await call(asUser(w.alice), "POST", "/api/batch", {
      requests: [
        { method: "PATCH", url: `/api/collections/posts/records/${w.p3.id}`, body: { title: "mine now" } },
      ],
    });
    expect(update.body.data.requests["0"].response.status).toBe(404);
    const locked = await call(asUser(w.alice), "POST", "/api/batch", {
      requests: [{ method: "POST", url: "/api/collections/locked/records", body: { title: "x" } }],
    });
    expect(locked.body.data.requests["0"].response.status).toBe(403);
  });

  it("relations may point at records created earlier in the same batch", async () => {
    const res = await call(asUser(w.bob), "POST", "/api/batch", {
      requests: [
        create({ id: "batchpost000001", title: "Parent", owner: w.bob.id, published: true }),
        {
          method: "POST",
          url: "/api/collections/comments/records",
          body: { message: "c", post: "batchpost000001", author: w.bob.id },
        },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body[1].body.post).toBe("batchpost000001");
  });

  it("later requests see the records earlier ones created or changed", async () => {
    const path = "/api/collections/posts/records";
    const res = await call(asUser(w.bob), "POST", "/api/batch", {
      requests: [
        create({ id: "chainpost000001", title: "v1", owner: w.bob.id, views: 1 }),
        { method: "PATCH", url: `${path}/chainpost000001`, body: { title: "v2", "views+": 2 } },
        { method: "PATCH", url: `${path}/chainpost000001`, body: { "views+": 3 } },
        { method: "PATCH", url: `${path}/${w.p3.id}`, body: { title: "G1" } },
        { method: "PATCH", url: `${path}/${w.p3.id}`, body: { title: "G2" } },
        create({ id: "chainpost000002", title: "gone", owner: w.bob.id }),
        { method: "DELETE", url: `${path}/chainpost000002` },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.map((r: Json) => r.status)).toEqual([200, 200, 200, 200, 200, 200, 204]);
    expect(res.body[2].body).toMatchObject({ title: "v2", views: 6 });
    expect(res.body[4].body.title).toBe("G2");
    expect((await call(SUPERUSER, "GET", `${path}/chainpost000002`)).status).toBe(404);
    // The rule is still checked at write time for records created in the batch: alice cannot touch bob's.
    const denied = await call(asUser(w.alice), "POST", "/api/batch", {
      requests: [
        create({ id: "chainpost000003", title: "a", owner: w.alice.id }),
        { method: "PATCH", url: `${path}/chainpost000003`, body: { owner: w.bob.id } },
        { method: "PATCH", url: `${path}/chainpost000003`, body: { title: "not mine any more" } },
      ],
    });
    expect(denied.status).toBe(400);
    expect(denied.body.data.requests["2"].response.status).toBe(404);
    expect((await call(SUPERUSER, "GET", `${path}/chainpost000003`)).status).toBe(404);
  });

  it("limits and bad input are 400 with the error shape", async () => {
    const tooMany = Array.from({ length: 51 }, (_, i) => create({ title: `t${i}`, owner: w.bob.id }));
    const cases: unknown[] = [
      { requests: tooMany },
      { requests: [] },
      {},
      { requests: [{ method: "GET", url: "/api/collections/posts/records" }] },
      { requests: [{ method: "POST", url: "/api/health" }] },
      { requests: [{ url: 1 }] },
      "{",
    ];
    for (const body of cases) {
      const res = await call(asUser(w.bob), "POST", "/api/batch", typeof body === "string" ? body : body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(res.body).toMatchObject({ status: 400, message: expect.any(String) });
    }
  });

  it("accepts the SDK's multipart form with @jsonPayload", async () => {
    const form = new FormData();
    form.append(
      "@jsonPayload",
      JSON.stringify({ requests: [create({ title: "Form batch", owner: w.bob.id })] }),
    );
    const res = await request(asUser(w.bob), "POST", "/api/batch", form);
    expect(res.status).toBe(200);
    expect(((await res.json()) as Json)[0].body.title).toBe("Form batch");
  });
});
