/** The `batch` settings (PocketBase's): enabled, maxRequests, timeout and maxBodySize, over REST and GraphQL. */
import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { SETTINGS_KEY } from "../../../src/ops/settings";
import { proxyD1 } from "../../helpers/d1-proxy";
import { app, call, createCollection, SUPERUSER, seed } from "../../records/harness";

const COLLECTION = "batchset";
const OPEN = { listRule: "", viewRule: "", createRule: "", updateRule: "", deleteRule: "" };
const url = `/api/collections/${COLLECTION}/records`;
const create = (title: string) => ({ method: "POST", url, body: { title } });

async function count(): Promise<number> {
  return Number(await env.DB.prepare(`SELECT count(*) AS n FROM ${COLLECTION}`).first("n"));
}

async function settings(batch: Record<string, unknown>) {
  const res = await call(SUPERUSER, "PATCH", "/api/settings", { batch });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

beforeAll(async () => {
  await createCollection({
    name: COLLECTION,
    type: "base",
    ...OPEN,
    fields: [{ name: "title", type: "text" }],
  });
});

afterEach(async () => {
  await env.DB.prepare("DELETE FROM _params WHERE key = ?").bind(SETTINGS_KEY).run();
  await call(SUPERUSER, "PATCH", "/api/settings", {});
});

describe("batch settings", () => {
  it("are served with their defaults and validated by path", async () => {
    const res = await call(SUPERUSER, "GET", "/api/settings");
    expect(res.body.batch).toEqual({ enabled: true, maxRequests: 50, timeout: 10, maxBodySize: 0 });
    for (const [patch, path] of [
      [{ maxRequests: 0 }, "batch.maxRequests"],
      [{ maxRequests: 201 }, "batch.maxRequests"],
      [{ timeout: 0 }, "batch.timeout"],
      [{ maxBodySize: -1 }, "batch.maxBodySize"],
      [{ enabled: "yes" }, "batch.enabled"],
      [{ extra: 1 }, "batch"],
    ] as const) {
      const bad = await call(SUPERUSER, "PATCH", "/api/settings", { batch: patch });
      expect(bad.status, JSON.stringify(patch)).toBe(400);
      expect(Object.keys(bad.body.data)).toContain(path);
    }
  });

  it("enabled: false answers 403 to REST and GraphQL batches and writes nothing", async () => {
    await settings({ enabled: false });
    const before = await count();
    const rest = await call(null, "POST", "/api/batch", { requests: [create("off")] });
    expect(rest.status).toBe(403);
    expect(rest.body).toMatchObject({ status: 403, message: "Batch requests are not allowed." });
    const gql = await call(SUPERUSER, "POST", "/api/graphql", {
      query: `mutation { batch(requests: [{ action: create, collection: "${COLLECTION}", data: { title: "off" } }]) { status } }`,
    });
    expect(gql.body.errors?.[0]).toMatchObject({
      message: "Batch requests are not allowed.",
      extensions: { status: 403 },
    });
    expect(await count()).toBe(before);
  });

  it("maxRequests bounds the batch: at the limit it runs, one over is a 400 with nothing written", async () => {
    await settings({ maxRequests: 3 });
    const ok = await call(null, "POST", "/api/batch", { requests: ["a", "b", "c"].map(create) });
    expect(ok.status).toBe(200);
    const before = await count();
    const over = await call(null, "POST", "/api/batch", { requests: ["a", "b", "c", "d"].map(create) });
    expect(over.status).toBe(400);
    expect(over.body.data.requests.code).toBe("validation_length_too_long");
    expect(await count()).toBe(before);
  });

  it("maxBodySize refuses a larger body with 413, and applies to /api/batch only", async () => {
    await settings({ maxBodySize: 500 });
    const big = { requests: [create("x".repeat(600))] };
    const refused = await call(null, "POST", "/api/batch", big);
    expect(refused.status).toBe(413);
    expect(refused.body).toMatchObject({ status: 413 });
    const single = await call(null, "POST", url, { title: "x".repeat(600) });
    expect(single.status).toBe(200);
    const small = await call(null, "POST", "/api/batch", { requests: [create("small")] });
    expect(small.status).toBe(200);
  });

  it("a batch still planning after `timeout` seconds is refused with nothing written", async () => {
    await settings({ timeout: 1 });
    const ids = [];
    for (const t of ["s1", "s2", "s3", "s4"]) ids.push((await seed(COLLECTION, { title: t })).id as string);
    // Every read takes 400 ms: planning four updates (each reads its row) takes over a second.
    const slow = proxyD1(env.DB, {
      prepare: (real, sql) => slowReads(real.prepare(sql)),
      batch: (real, statements) => real.batch(statements),
    });
    const res = await app.request(
      `http://edgebase.test/api/batch`,
      {
        method: "POST",
        headers: { "content-type": "application/json", "x-test-auth": JSON.stringify(SUPERUSER) },
        body: JSON.stringify({
          requests: ids.map((id) => ({ method: "PATCH", url: `${url}/${id}`, body: { title: "late" } })),
        }),
      },
      { ...env, DB: slow },
    );
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(/timeout/);
    const titles = await env.DB.prepare(`SELECT title FROM ${COLLECTION} WHERE title = 'late'`).all();
    expect(titles.results).toEqual([]);
  });
});

/** A statement whose reads wait 400 ms first (writes and binds pass through, still slowed on read). */
function slowReads(statement: D1PreparedStatement): D1PreparedStatement {
  const wait = () => new Promise((r) => setTimeout(r, 400));
  return new Proxy(statement, {
    get(target, prop) {
      if (prop === "bind") return (...args: unknown[]) => slowReads(target.bind(...args));
      if (prop === "first" || prop === "all" || prop === "raw")
        return async (...args: unknown[]) => {
          await wait();
          return (Reflect.get(target, prop, target) as (...a: unknown[]) => unknown).apply(target, args);
        };
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
