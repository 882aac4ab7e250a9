import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createEdgebase } from "../../../src/app";
import { params } from "../../../src/db/schema";
import { parseBookmark } from "../../../src/db/session";
import { BOOKMARK_HEADER } from "../../../src/http/middleware/d1-session";
import { api, BASE } from "../../helpers/request";

/** An app with probe routes that write and read through the request's D1 session. */
function appWithProbes() {
  const app = createEdgebase({ logLevel: "off" });
  app.post("/probe/params/:key", async (c) => {
    await c.var.db.insert(params).values({ key: c.req.param("key"), value: await c.req.json() });
    return c.body(null, 204);
  });
  app.post("/probe/primary/:key", async (c) => {
    await c.var.sessions
      .primary()
      .db.insert(params)
      .values({ key: c.req.param("key"), value: "primary" });
    return c.body(null, 204);
  });
  app.get("/probe/params/:key", async (c) => {
    const rows = await c.var.db
      .select()
      .from(params)
      .where(eq(params.key, c.req.param("key")));
    return rows[0] ? c.json(rows[0].value) : c.notFound();
  });
  app.get("/probe/raw", async (c) => c.json(await c.var.d1.prepare("SELECT 40 + 2 AS n").first()));
  app.get("/probe/boom", async (c) => {
    await c.var.d1.prepare("SELECT 1").first();
    throw new Error("boom");
  });
  app.get("/probe/idle", (c) => c.text("no query"));
  return app;
}

const app = appWithProbes();

function request(path: string, init: RequestInit = {}) {
  return app.request(BASE + path, init, env);
}

function bookmarkOf(res: Response): string {
  const bookmark = res.headers.get(BOOKMARK_HEADER);
  expect(bookmark, "response carries a bookmark").not.toBeNull();
  return bookmark!;
}

describe("d1Session middleware", () => {
  it("returns the write's bookmark, and the next request passing it reads the written data", async () => {
    const write = await request("/probe/params/round-trip", { method: "POST", body: '{"v":1}' });
    expect(write.status).toBe(204);
    const bookmark = bookmarkOf(write);
    expect(parseBookmark(bookmark)).toBe(bookmark);

    const read = await request("/probe/params/round-trip", { headers: { [BOOKMARK_HEADER]: bookmark } });
    expect(read.status).toBe(200);
    expect(await read.json()).toEqual({ v: 1 });
    expect(bookmarkOf(read) >= bookmark).toBe(true);
  });

  it("returns the primary session's bookmark when a write went through it", async () => {
    const write = await request("/probe/primary/via-primary", { method: "POST" });
    expect(write.status).toBe(204);
    const bookmark = bookmarkOf(write);
    expect(parseBookmark(bookmark)).toBe(bookmark);

    const read = await request("/probe/params/via-primary", { headers: { [BOOKMARK_HEADER]: bookmark } });
    expect(await read.json()).toBe("primary");
  });

  it("advances the bookmark with each write", async () => {
    const first = bookmarkOf(await request("/probe/params/adv-1", { method: "POST", body: "1" }));
    const second = bookmarkOf(
      await request("/probe/params/adv-2", {
        method: "POST",
        body: "2",
        headers: { [BOOKMARK_HEADER]: first },
      }),
    );
    expect(second > first).toBe(true);
  });

  it.each([
    ["junk", "not-a-bookmark!"],
    ["a constraint name", "first-primary"],
    ["an oversized value", `${"0".repeat(8)}-${"f".repeat(500)}`],
  ])("ignores %s as the incoming bookmark", async (_name, header) => {
    const res = await request("/probe/raw", { headers: { [BOOKMARK_HEADER]: header } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ n: 42 });
    const bookmark = bookmarkOf(res);
    expect(parseBookmark(bookmark)).toBe(bookmark);
  });

  it("echoes the client's bookmark when the request ran no query, and sends empty without one", async () => {
    const known = "00000085-0000024c-00004c6d-8e61117bf38d7adb71b934ebbf891683";
    const echoed = await request("/probe/idle", { headers: { [BOOKMARK_HEADER]: known } });
    expect(await echoed.text()).toBe("no query");
    expect(bookmarkOf(echoed)).toBe(known);
    expect(bookmarkOf(await request("/probe/idle"))).toBe("");
    expect(bookmarkOf(await request("/probe/idle", { headers: { [BOOKMARK_HEADER]: "junk" } }))).toBe("");
  });

  it("sets the bookmark on error responses too", async () => {
    const boom = await request("/probe/boom");
    expect(boom.status).toBe(500);
    expect(parseBookmark(bookmarkOf(boom))).not.toBeNull();

    const missing = await request("/probe/params/never-written");
    expect(missing.status).toBe(404);
    expect(parseBookmark(bookmarkOf(missing))).not.toBeNull();
  });

  it("is mounted in the Worker's app and exposed to browsers through CORS", async () => {
    const res = await api("/api/health", { headers: { origin: "https://app.example" } });
    expect(res.status).toBe(200);
    expect(res.headers.get(BOOKMARK_HEADER)).toBe("");
    expect(res.headers.get("access-control-expose-headers")).toContain(BOOKMARK_HEADER);
  });
});

describe("d1Session middleware without read replication (EDGEBASE_D1_READ_REPLICATION unset: the default)", () => {
  /** The DB binding, counting the sessions opened on it. */
  function countingBinding() {
    const opened = { sessions: 0 };
    const db = new Proxy(env.DB, {
      get(target, name) {
        if (name === "withSession") {
          return (constraint?: string) => {
            opened.sessions++;
            return target.withSession(constraint);
          };
        }
        const value = Reflect.get(target, name);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    return { db, opened };
  }

  function plain(db: D1Database, path: string, init: RequestInit = {}) {
    const { EDGEBASE_D1_READ_REPLICATION: _on, ...rest } = env as typeof env & {
      EDGEBASE_D1_READ_REPLICATION?: string;
    };
    return app.request(BASE + path, init, { ...rest, DB: db });
  }

  it("runs every query on the binding, opens no session, and echoes the client's bookmark", async () => {
    const { db, opened } = countingBinding();
    const write = await plain(db, "/probe/params/direct", { method: "POST", body: '{"v":2}' });
    expect(write.status).toBe(204);
    expect(bookmarkOf(write)).toBe("");
    const known = "00000085-0000024c-00004c6d-8e61117bf38d7adb71b934ebbf891683";
    const read = await plain(db, "/probe/params/direct", { headers: { [BOOKMARK_HEADER]: known } });
    expect(await read.json()).toEqual({ v: 2 });
    expect(bookmarkOf(read)).toBe(known);
    expect(opened.sessions).toBe(0);
  });

  it("serves primary() from the same binding, so what it writes the default session reads", async () => {
    const { db, opened } = countingBinding();
    expect((await plain(db, "/probe/primary/direct-primary", { method: "POST" })).status).toBe(204);
    const read = await plain(db, "/probe/params/direct-primary");
    expect(await read.json()).toBe("primary");
    expect(opened.sessions).toBe(0);
  });

  it("opens sessions once the variable is on", async () => {
    const { db, opened } = countingBinding();
    const res = await app.request(
      BASE + "/probe/raw",
      {},
      { ...env, DB: db, EDGEBASE_D1_READ_REPLICATION: "on" },
    );
    expect(await res.json()).toEqual({ n: 42 });
    expect(opened.sessions).toBe(1);
    expect(parseBookmark(bookmarkOf(res))).not.toBeNull();
  });
});
