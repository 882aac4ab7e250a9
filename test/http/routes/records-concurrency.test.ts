/** Concurrent writes: atomic modifiers never conflict, plain PATCHes are last-writer-wins, If-Match has one winner. */
import { beforeAll, describe, expect, it } from "vitest";
import { call, createCollection, seed, userAuth } from "../../records/harness";

const owner = userAuth("own000000000001");
const counters = "/api/collections/counters/records";

beforeAll(async () => {
  await createCollection({
    name: "counters",
    listRule: "",
    viewRule: "",
    updateRule: "owner = @request.auth.id",
    fields: [
      { name: "owner", type: "text" },
      { name: "title", type: "text" },
      { name: "n", type: "number" },
      { name: "capped", type: "number", max: 10 },
      { name: "tags", type: "select", values: Array.from({ length: 30 }, (_, i) => `t${i}`), maxSelect: 30 },
      { name: "few", type: "select", values: Array.from({ length: 10 }, (_, i) => `f${i}`), maxSelect: 5 },
    ],
  });
});

const statuses = (results: { status: number }[]) => results.map((r) => r.status).sort();

describe("concurrent writes without If-Match", () => {
  it("20 parallel increments all apply: 20 × 200 and n = 20", async () => {
    const record = await seed("counters", { owner: owner.id });
    const path = `${counters}/${record.id}`;
    const results = await Promise.all(
      Array.from({ length: 20 }, () => call(owner, "PATCH", path, { "n+": 1 })),
    );
    expect(statuses(results)).toEqual(Array(20).fill(200));
    expect((await call(owner, "GET", path)).body.n).toBe(20);
  });

  it("50 parallel plain PATCHes by the owner all succeed, one of them last", async () => {
    const record = await seed("counters", { owner: owner.id });
    const path = `${counters}/${record.id}`;
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => call(owner, "PATCH", path, { title: `v${i}` })),
    );
    expect(statuses(results)).toEqual(Array(50).fill(200));
    expect((await call(owner, "GET", path)).body.title).toMatch(/^v\d+$/);
  });

  it("parallel list appends all apply, each value once", async () => {
    const record = await seed("counters", { owner: owner.id, tags: ["t0"] });
    const path = `${counters}/${record.id}`;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => call(owner, "PATCH", path, { "tags+": [`t${i}`, "t0"] })),
    );
    expect(statuses(results)).toEqual(Array(20).fill(200));
    const tags = (await call(owner, "GET", path)).body.tags as string[];
    expect(tags[0]).toBe("t0");
    expect([...tags].sort()).toEqual(Array.from({ length: 20 }, (_, i) => `t${i}`).sort());
    const removed = await Promise.all(
      Array.from({ length: 10 }, (_, i) => call(owner, "PATCH", path, { "tags-": `t${i}` })),
    );
    expect(statuses(removed)).toEqual(Array(10).fill(200));
    expect((await call(owner, "GET", path)).body.tags).toEqual(tags.filter((t) => Number(t.slice(1)) >= 10));
  });

  it("limits hold under concurrency: over maxSelect or max is a clean 400, never more stored", async () => {
    const record = await seed("counters", { owner: owner.id });
    const path = `${counters}/${record.id}`;
    const appends = await Promise.all(
      Array.from({ length: 10 }, (_, i) => call(owner, "PATCH", path, { "few+": `f${i}` })),
    );
    expect(appends.filter((r) => r.status === 200)).toHaveLength(5);
    for (const r of appends.filter((r) => r.status !== 200)) {
      expect(r.status).toBe(400);
      expect(r.body.data.few.code).toBe("validation_too_many_values");
    }
    const adds = await Promise.all(
      Array.from({ length: 15 }, () => call(owner, "PATCH", path, { "capped+": 1 })),
    );
    expect(adds.filter((r) => r.status === 200)).toHaveLength(10);
    for (const r of adds.filter((r) => r.status !== 200)) {
      expect(r.status).toBe(400);
      expect(r.body.data.capped.code).toBe("validation_max_number_constraint");
    }
    const final = (await call(owner, "GET", path)).body;
    expect(final.few).toHaveLength(5);
    expect(final.capped).toBe(10);
  });
});

describe("concurrent writes with If-Match", () => {
  it("50 clients × 3 increments: one winner per version, final value = number of 2xx", async () => {
    const record = await seed("counters", { owner: owner.id });
    const path = `${counters}/${record.id}`;
    const won: number[] = [];
    const client = async () => {
      for (let i = 0; i < 3; i++) {
        const read = await call(owner, "GET", path);
        const res = await call(
          owner,
          "PATCH",
          path,
          { "n+": 1 },
          { "if-match": read.headers.get("etag") ?? "" },
        );
        expect([200, 412]).toContain(res.status);
        if (res.status === 200) won.push(res.body.n);
        else expect(res.body).toMatchObject({ status: 412 });
      }
    };
    await Promise.all(Array.from({ length: 50 }, client));
    const final = (await call(owner, "GET", path)).body.n;
    expect(won.length).toBeGreaterThan(0);
    expect(final).toBe(won.length);
    expect([...won].sort((a, b) => a - b)).toEqual(Array.from({ length: won.length }, (_, i) => i + 1));
  });
});
