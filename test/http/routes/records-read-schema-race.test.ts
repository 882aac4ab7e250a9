import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createEdgebase } from "../../../src/app";
import type { AuthRecord } from "../../../src/rules/context";
import { call, SUPERUSER, seed } from "../../records/harness";

/**
 * A reader isolate with its own collection store that never revalidates on its own: it keeps the snapshot it
 * first loaded, as another isolate does for up to the check interval after a schema change elsewhere.
 */
const reader = createEdgebase({
  logLevel: "off",
  authenticate: async (c) => {
    const raw = c.req.header("x-test-auth");
    return raw ? (JSON.parse(raw) as AuthRecord) : null;
  },
  collectionStore: { checkIntervalMs: 3_600_000 },
  // Every read goes to D1 (the read cache has its own schema-change story).
  cache: false,
});
const read = async (path: string) => {
  const res = await reader.request(`http://edgebase.test${path}`, {}, env);
  return { status: res.status, body: (await res.json()) as { [k: string]: unknown } };
};
const q = (s: string) => encodeURIComponent(s);

let id: string;
let fields: unknown[];

beforeAll(async () => {
  const res = await call(SUPERUSER, "POST", "/api/collections", {
    name: "race",
    type: "base",
    listRule: "",
    viewRule: "",
    fields: [
      { name: "title", type: "text" },
      { name: "extra", type: "text" },
    ],
  });
  expect(res.status).toBe(200);
  fields = res.body.fields;
  id = (await seed("race", { title: "t", extra: "x" })).id;
});

const withoutExtra = () => fields.filter((f) => (f as { name: string }).name !== "extra");

describe("reads planned from a snapshot that still has a just-removed field (issue 24 #1)", () => {
  it("filter and sort on it are 400 (as on a fresh isolate), other reads 200, never 500", async () => {
    // The reader learns the schema with `extra`.
    expect((await read(`/api/collections/race/records?filter=${q("extra = 'x'")}`)).status).toBe(200);
    // Another isolate (the harness app) removes it.
    expect((await call(SUPERUSER, "PATCH", "/api/collections/race", { fields: withoutExtra() })).status).toBe(
      200,
    );

    const filtered = await read(`/api/collections/race/records?filter=${q("extra = 'x'")}`);
    expect(filtered.status, JSON.stringify(filtered.body)).toBe(400);
    expect(filtered.body).toMatchObject({ status: 400, message: expect.any(String) });
    const sorted = await read("/api/collections/race/records?sort=-extra");
    expect(sorted.status, JSON.stringify(sorted.body)).toBe(400);
    const list = await read("/api/collections/race/records?fields=id,title,extra");
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([{ id, title: "t" }]);
    const view = await read(`/api/collections/race/records/${id}`);
    expect(view.status).toBe(200);
    expect(view.body).not.toHaveProperty("extra");
  });

  it("concurrent schema PATCHes (remove and re-add) and lists: 0 × 5xx", async () => {
    const statuses: number[] = [];
    const withExtra = () => [...withoutExtra(), { name: "extra", type: "text" }];
    const schema = (async () => {
      for (let i = 0; i < 8; i++) {
        const res = await call(SUPERUSER, "PATCH", "/api/collections/race", {
          fields: i % 2 === 0 ? withExtra() : withoutExtra(),
        });
        statuses.push(res.status);
      }
    })();
    const paths = [
      `/api/collections/race/records?filter=${q("extra != 'zz'")}`,
      "/api/collections/race/records?sort=extra,-created",
      "/api/collections/race/records?fields=id,extra",
      `/api/collections/race/records/${id}`,
    ];
    const lists = (async () => {
      for (let i = 0; i < 12; i++) {
        const results = await Promise.all(paths.map(read));
        statuses.push(...results.map((r) => r.status));
      }
    })();
    await Promise.all([schema, lists]);
    expect(statuses.length).toBe(8 + 12 * paths.length);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(statuses.every((s) => s === 200 || s === 400)).toBe(true);
  });
});
