/**
 * Request logs through the Worker: written after the response into the LOGS database, listed, filtered, viewed,
 * counted per hour and deleted by superusers; the `logs` settings are enforced; a dead LOGS database never fails
 * a request.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createEdgebase } from "../../src/app";
import { FLUSH_DELAY_MS, LogWriter } from "../../src/ops/logs/writer";
import { SETTINGS_KEY } from "../../src/ops/settings";
import { api, BASE } from "../helpers/request";
import { eventually } from "../http/routes/auth-helpers";
import { call, type Json, superuserToken, userToken } from "./helpers";

let admin: string;
let user: string;

beforeAll(async () => {
  admin = await superuserToken();
  user = await userToken();
});

beforeEach(async () => {
  await env.DB.prepare("DELETE FROM _params WHERE key = ?").bind(SETTINGS_KEY).run();
  await call("PATCH", "/api/settings", admin, {});
  await env.LOGS.prepare("DELETE FROM _logs").run();
});

async function logsOf(marker: string): Promise<Json[]> {
  const { results } = await env.LOGS.prepare(
    "SELECT id, level, message, data, created FROM _logs WHERE message LIKE ? ORDER BY created",
  )
    .bind(`%${marker}%`)
    .all<Json>();
  return results.map((r) => ({ ...r, data: JSON.parse(r.data) }));
}

async function loggedOnce(marker: string): Promise<Json> {
  expect(await eventually(async () => (await logsOf(marker)).length > 0)).toBe(true);
  const rows = await logsOf(marker);
  expect(rows).toHaveLength(1);
  return rows[0];
}

describe("request logs", () => {
  it("stores one entry per request in PocketBase's shape, after the response", async () => {
    const res = await api("/api/collections/users/records?marker=shape1", {
      headers: {
        "cf-connecting-ip": "198.51.100.7",
        "user-agent": "probe/1",
        referer: "https://ref.example/",
      },
    });
    expect(res.status).toBe(200);
    const row = await loggedOnce("shape1");
    expect(row.level).toBe(0);
    expect(row.message).toBe("GET /api/collections/users/records?marker=shape1");
    expect(row.created).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(row.data).toMatchObject({
      type: "request",
      method: "GET",
      url: "/api/collections/users/records?marker=shape1",
      status: 200,
      remoteIP: "198.51.100.7",
      userAgent: "probe/1",
      referer: "https://ref.example/",
      auth: "guest",
      authId: "",
      requestId: res.headers.get("x-request-id"),
    });
    expect(typeof row.data.execTime).toBe("number");
  });

  it("logs errors at warn/error level with the error message", async () => {
    const res = await api("/api/collections/nope_missing/records?marker=err1");
    expect(res.status).toBe(404);
    const row = await loggedOnce("err1");
    expect(row.level).toBe(4);
    expect(row.data.status).toBe(404);
    expect(row.data.error).toBe("Missing collection context.");
  });

  it("honours logIP, logAuthId, minLevel and maxDays", async () => {
    await call("PATCH", "/api/settings", admin, { logs: { logIP: false, logAuthId: true } });
    await call("GET", "/api/collections/users/records?marker=privacy1", user);
    const row = await loggedOnce("privacy1");
    expect(row.data.remoteIP).toBe("");
    expect(row.data.auth).toBe("users");
    expect(row.data.authId).toMatch(/^[a-z0-9]{15}$/);

    await call("PATCH", "/api/settings", admin, { logs: { minLevel: 4 } });
    await api("/api/collections/users/records?marker=level1");
    await api("/api/collections/nope_missing/records?marker=level2");
    await loggedOnce("level2");
    expect(await logsOf("level1")).toHaveLength(0);

    await call("PATCH", "/api/settings", admin, { logs: { maxDays: 0, minLevel: 0 } });
    await api("/api/collections/nope_missing/records?marker=off1");
    await new Promise((r) => setTimeout(r, FLUSH_DELAY_MS + 200));
    expect(await logsOf("off1")).toHaveLength(0);
  });

  it("batches concurrent requests into few writes (one flush takes what gathered)", async () => {
    const app = createEdgebase({ logLevel: "off" });
    const ctx = createExecutionContext();
    const responses = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        app.fetch(new Request(`${BASE}/api/health?marker=batch${i}x`), env, ctx),
      ),
    );
    expect(responses.every((r) => r.status === 200)).toBe(true);
    await waitOnExecutionContext(ctx);
    expect(await logsOf("marker=batch")).toHaveLength(30);
  });

  it("never fails a request when the LOGS database is unavailable", async () => {
    const broken = new Proxy(env.LOGS, {
      get(target, prop) {
        if (prop === "batch" || prop === "prepare") {
          return () => {
            throw new Error("LOGS unavailable");
          };
        }
        return Reflect.get(target, prop);
      },
    });
    const app = createEdgebase({ logLevel: "off" });
    const ctx = createExecutionContext();
    const badEnv = { ...env, LOGS: broken };
    for (const path of ["/api/health?marker=dead1", "/api/collections/users/records", "/api/nope"]) {
      const res = await app.fetch(new Request(BASE + path), badEnv, ctx);
      expect(res.status).toBeLessThan(500);
    }
    await waitOnExecutionContext(ctx);
    expect(await logsOf("dead1")).toHaveLength(0);
    const missing = await app.fetch(new Request(`${BASE}/api/health`), { ...env, LOGS: undefined }, ctx);
    expect(missing.status).toBe(200);
    await waitOnExecutionContext(ctx);
  });

  it("stores warnings logged anywhere with their request id", async () => {
    const app = createEdgebase({ logLevel: "off" });
    app.get("/api/custom-warn", (c) => {
      c.var.log.warn("custom thing went sideways", { detail: 42 });
      return c.json({ ok: true });
    });
    const ctx = createExecutionContext();
    const res = await app.fetch(new Request(`${BASE}/api/custom-warn`), env, ctx);
    await waitOnExecutionContext(ctx);
    const rows = await logsOf("custom thing went sideways");
    expect(rows).toHaveLength(1);
    expect(rows[0].level).toBe(4);
    expect(rows[0].data).toMatchObject({
      type: "app",
      detail: 42,
      requestId: res.headers.get("x-request-id"),
    });
  });
});

describe("deferred entry building", () => {
  it("builds request entries in the flush, complete, in request order and timed at the response", async () => {
    const app = createEdgebase({ logLevel: "off" });
    const ctx = createExecutionContext();
    const before = Date.now();
    for (let i = 0; i < 5; i++) {
      const res = await app.fetch(
        new Request(`${BASE}/api/health?marker=order${i}x`, {
          headers: { "cf-connecting-ip": `198.51.100.${i}`, "user-agent": `probe/${i}` },
        }),
        env,
        ctx,
      );
      expect(res.status).toBe(200);
    }
    const answered = Date.now();
    await waitOnExecutionContext(ctx);
    const { results } = await env.LOGS.prepare(
      "SELECT message, data, created FROM _logs WHERE message LIKE '%marker=order%' ORDER BY rowid",
    ).all<{ message: string; data: string; created: string }>();
    expect(results.map((r) => r.message)).toEqual(
      [0, 1, 2, 3, 4].map((i) => `GET /api/health?marker=order${i}x`),
    );
    results.forEach((row, i) => {
      expect(JSON.parse(row.data)).toMatchObject({
        type: "request",
        url: `/api/health?marker=order${i}x`,
        status: 200,
        remoteIP: `198.51.100.${i}`,
        userAgent: `probe/${i}`,
      });
      // The entry's time is the response's, not the flush's (which waits FLUSH_DELAY_MS after it).
      const created = Date.parse(row.created.replace(" ", "T"));
      expect(created).toBeGreaterThanOrEqual(before);
      expect(created).toBeLessThanOrEqual(answered);
    });
  });

  it("runs builders only in the flush, keeps the order, skips null and reports a builder that throws", async () => {
    const failures: number[] = [];
    const writer = new LogWriter({ flushDelayMs: 0, onError: (_e, dropped) => failures.push(dropped) });
    let built = 0;
    const entry = (n: number) => ({
      id: `lazy00000000${n}`.slice(0, 15),
      created: "",
      level: 0,
      message: `lazy${n}`,
      data: {},
    });
    writer.add(entry(1));
    writer.add(() => {
      built++;
      return entry(2);
    });
    writer.add(() => {
      throw new Error("bad builder");
    });
    writer.add(() => null);
    writer.add(() => {
      built++;
      return entry(3);
    });
    expect(built).toBe(0);
    expect(writer.flushSoon(env.LOGS)).toBeInstanceOf(Promise);
    expect(writer.flushSoon(env.LOGS)).toBeUndefined();
    await writer.flush(env.LOGS);
    expect(writer.flushSoon(env.LOGS)).toBeUndefined();
    expect(built).toBe(2);
    expect(failures).toEqual([1]);
    const { results } = await env.LOGS.prepare(
      "SELECT message FROM _logs WHERE message LIKE 'lazy%' ORDER BY rowid",
    ).all<{ message: string }>();
    expect(results.map((r) => r.message)).toEqual(["lazy1", "lazy2", "lazy3"]);
  });
});

describe("/api/logs", () => {
  async function seed() {
    const rows = [
      [
        "log000000000001",
        0,
        "GET /a",
        { type: "request", status: 200, method: "GET" },
        "2026-01-01 10:05:00.000Z",
      ],
      [
        "log000000000002",
        4,
        "GET /b",
        { type: "request", status: 404, method: "GET" },
        "2026-01-01 10:45:00.000Z",
      ],
      [
        "log000000000003",
        8,
        "POST /c",
        { type: "request", status: 500, method: "POST" },
        "2026-01-01 12:00:00.000Z",
      ],
    ] as const;
    for (const [id, level, message, data, created] of rows) {
      await env.LOGS.prepare("INSERT INTO _logs (id, level, message, data, created) VALUES (?, ?, ?, ?, ?)")
        .bind(id, level, message, JSON.stringify(data), created)
        .run();
    }
  }

  it.each([
    ["GET", "/api/logs"],
    ["GET", "/api/logs/stats"],
    ["GET", "/api/logs/log000000000001"],
    ["DELETE", "/api/logs"],
  ])("%s %s: 401 for guests, 403 for users", async (method, path) => {
    expect((await call(method, path, null)).status).toBe(401);
    expect((await call(method, path, user)).status).toBe(403);
  });

  it("lists with paging, sort and filters over columns and data.*", async () => {
    await seed();
    const q = (s: string) =>
      call("GET", `/api/logs?${s}`, admin).then(async (r) => [r.status, (await r.json()) as Json]);
    const filter = (f: string) => `filter=${encodeURIComponent(`${f} && created < "2026-02-01"`)}`;
    let [status, body] = await q(`perPage=2&sort=created&${filter("id != ''")}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ page: 1, perPage: 2, totalItems: 3, totalPages: 2 });
    expect(body.items.map((i: Json) => i.id)).toEqual(["log000000000001", "log000000000002"]);
    expect(body.items[0]).toEqual({
      id: "log000000000001",
      level: 0,
      message: "GET /a",
      data: { type: "request", status: 200, method: "GET" },
      created: "2026-01-01 10:05:00.000Z",
    });
    [status, body] = await q(`${filter("data.status >= 400 && level > 0")}&sort=-level`);
    expect(body.items.map((i: Json) => i.id)).toEqual(["log000000000003", "log000000000002"]);
    [status, body] = await q(filter(`data.method = "POST"`));
    expect(body.items.map((i: Json) => i.id)).toEqual(["log000000000003"]);
    [status, body] = await q(`${filter('message ~ "/b"')}&sort=data.status`);
    expect(body.items.map((i: Json) => i.id)).toEqual(["log000000000002"]);
  });

  it("refuses bad filters, sorts and paging with a 400 naming the parameter", async () => {
    const bad = [
      ["filter=nope%20%3D%201", "filter"],
      ["filter=(((", "filter"],
      ["filter=data.a%27b%20%3D%201", "filter"],
      ["filter=%40request.auth.id%20%3D%201", "filter"],
      ["sort=unknown", "sort"],
      ["sort=data.x%27y", "sort"],
      ["perPage=abc", "perPage"],
      ["page=abc", "page"],
      [`filter=${encodeURIComponent('message = "x" || '.repeat(2000))}x`, "filter"],
    ];
    for (const [query, param] of bad) {
      const res = await call("GET", `/api/logs?${query}`, admin);
      expect(res.status, query).toBe(400);
      expect(Object.keys(((await res.json()) as Json).data), query).toContain(param);
    }
  });

  it("views one log, 404 for unknown or oversized ids", async () => {
    await seed();
    const res = await call("GET", "/api/logs/log000000000002", admin);
    expect(res.status).toBe(200);
    expect(((await res.json()) as Json).message).toBe("GET /b");
    expect((await call("GET", "/api/logs/missing", admin)).status).toBe(404);
    expect((await call("GET", `/api/logs/${"x".repeat(500)}`, admin)).status).toBe(404);
  });

  it("counts per hour, filtered", async () => {
    await seed();
    const f = encodeURIComponent('created < "2026-02-01"');
    const res = await call("GET", `/api/logs/stats?filter=${f}`, admin);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([
      { date: "2026-01-01 10:00:00.000Z", total: 2 },
      { date: "2026-01-01 12:00:00.000Z", total: 1 },
    ]);
    const only = encodeURIComponent('created < "2026-02-01" && level >= 4');
    expect(await (await call("GET", `/api/logs/stats?filter=${only}`, admin)).json()).toEqual([
      { date: "2026-01-01 10:00:00.000Z", total: 1 },
      { date: "2026-01-01 12:00:00.000Z", total: 1 },
    ]);
  });

  it("deletes matching logs, or all", async () => {
    await seed();
    const f = encodeURIComponent("level = 8");
    expect((await call("DELETE", `/api/logs?filter=${f}`, admin)).status).toBe(204);
    const left = await env.LOGS.prepare(
      "SELECT id FROM _logs WHERE created < '2026-02-01' ORDER BY id",
    ).all();
    expect(left.results.map((r) => r.id)).toEqual(["log000000000001", "log000000000002"]);
    expect((await call("DELETE", "/api/logs", admin)).status).toBe(204);
    const after = await env.LOGS.prepare(
      "SELECT count(*) AS n FROM _logs WHERE created < '2026-02-01'",
    ).first();
    expect(after?.n).toBe(0);
  });
});
