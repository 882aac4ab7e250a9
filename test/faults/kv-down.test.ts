/** KV unavailable: guest reads that KV would cache are served from D1, writes succeed, and nothing answers 5xx. */
import { env, withEnv } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createEdgebase } from "../../src/app";
import { FaultyKv } from "../helpers/faulty-kv";
import { call, createCollection, type Json, seed } from "../records/harness";

const kv = new FaultyKv(env.CACHE);
const faultyEnv = { ...env, CACHE: kv.binding };

/** A fresh app (a new isolate: empty memory tier) whose guest requests see the wrapped KV. */
function isolate() {
  const app = createEdgebase({ logLevel: "off" });
  return async (method: string, path: string, body?: unknown) => {
    const res = (await withEnv(faultyEnv, () =>
      app.request(
        `http://edgebase.test${path}`,
        {
          method,
          headers: body === undefined ? {} : { "content-type": "application/json" },
          body: body === undefined ? undefined : JSON.stringify(body),
        },
        faultyEnv,
      ),
    )) as Response;
    const text = await res.text();
    return {
      status: res.status,
      body: (text ? JSON.parse(text) : null) as Json,
      cache: res.headers.get("x-edgebase-cache"),
    };
  };
}

beforeAll(async () => {
  const open = { listRule: "", viewRule: "", createRule: "", updateRule: "", deleteRule: "" };
  await createCollection({
    name: "kvposts",
    type: "base",
    ...open,
    fields: [{ name: "title", type: "text" }],
  });
  await seed("kvposts", { title: "one" });
  await seed("kvposts", { title: "two" });
});

const titles = (body: Json) => (body.items as Json[]).map((i) => i.title).sort();

describe("KV unavailable", () => {
  it("a warm isolate keeps serving correct lists and views, and sees its own writes", async () => {
    const send = isolate();
    kv.down = false;
    const warm = await send("GET", "/api/collections/kvposts/records?sort=title");
    expect(warm.status).toBe(200);
    expect(titles(warm.body)).toEqual(["one", "two"]);
    expect((await send("GET", "/api/collections/kvposts/records?sort=title")).cache).toBe("hit");

    kv.down = true;
    const refusedBefore = kv.refused;
    const created = await send("POST", "/api/collections/kvposts/records", { title: "three" });
    expect(created.status).toBeLessThan(300);
    for (let i = 0; i < 3; i++) {
      const list = await send("GET", "/api/collections/kvposts/records?sort=title");
      expect(list.status).toBe(200);
      expect(titles(list.body)).toEqual(["one", "three", "two"]);
      const view = await send("GET", `/api/collections/kvposts/records/${created.body.id}`);
      expect(view.status).toBe(200);
      expect(view.body.title).toBe("three");
    }
    const filtered = await send(
      "GET",
      `/api/collections/kvposts/records?filter=${encodeURIComponent("title='two'")}`,
    );
    expect(filtered.status).toBe(200);
    expect(titles(filtered.body)).toEqual(["two"]);
    expect((await send("GET", "/api/collections/kvposts/records/nope00000000000")).status).toBe(404);
    // The app did try KV (so this test exercises the failure path, not a path that never touches KV).
    expect(kv.refused).toBeGreaterThan(refusedBefore);
    kv.down = false;
  });

  it("a cold isolate (nothing in memory) answers from D1 while KV is down", async () => {
    const send = isolate();
    kv.down = true;
    const refusedBefore = kv.refused;
    for (const path of [
      "/api/collections/kvposts/records?sort=title",
      "/api/collections/kvposts/records?perPage=1&page=2&sort=title",
    ]) {
      const res = await send("GET", path);
      expect(res.status, path).toBe(200);
      expect(res.body.items.length).toBeGreaterThan(0);
    }
    const first = await send("GET", "/api/collections/kvposts/records?sort=title");
    expect(titles(first.body)).toEqual(["one", "three", "two"]);
    const updated = await send("PATCH", `/api/collections/kvposts/records/${first.body.items[0].id}`, {
      title: "uno",
    });
    expect(updated.status).toBe(200);
    const after = await send("GET", "/api/collections/kvposts/records?sort=title");
    expect(after.status).toBe(200);
    expect(titles(after.body)).toEqual(["three", "two", "uno"]);
    expect(kv.refused).toBeGreaterThan(refusedBefore);
    kv.down = false;
    // Back up: the same answers (KV holds nothing stale from before the outage for this isolate's reads).
    const back = await call(null, "GET", "/api/collections/kvposts/records?sort=title");
    expect(back.status).toBe(200);
    expect(titles(back.body)).toEqual(["three", "two", "uno"]);
  });
});
