/** The active webhooks are read once per isolate, dropped by a `_webhooks` change here, stale elsewhere ≤ 5 s. */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createEdgebase } from "../../src/app";
import { ACTIVE_WEBHOOKS_TTL_MS, ActiveWebhooks } from "../../src/webhooks";
import { proxyD1 } from "../helpers/d1-proxy";
import { collectionDef, openCollection, SUPERUSER } from "../realtime/helpers";
import type { Json } from "../records/harness";
import { deliveriesOf, hookUrl } from "./helpers";

/** Counts the statements that load the active webhooks. */
function countingDb() {
  const counter = { loads: 0 };
  const db = proxyD1(env.DB, {
    prepare(real, sql) {
      if (sql.startsWith("SELECT id, events, collections, filter FROM `_webhooks`")) counter.loads++;
      return real.prepare(sql);
    },
    batch: (real, statements) => real.batch(statements),
  });
  return { db, counter };
}

async function insertWebhook(name: string, collections: string[]): Promise<string> {
  const id = `wh${name.padEnd(13, "0")}`.slice(0, 15);
  await env.DB.prepare(
    `INSERT INTO "_webhooks" (id, name, url, events, collections, filter, secret, active, created, updated)
     VALUES (?, ?, ?, '["create"]', ?, '', 'c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0', 1, '', '')`,
  )
    .bind(id, name, hookUrl(name), JSON.stringify(collections))
    .run();
  return id;
}

beforeAll(async () => {
  await openCollection("cache_items", [{ name: "title", type: "text" }]);
});

describe("ActiveWebhooks", () => {
  it("reuses its copy, sees another isolate's change after the TTL and its own at once", async () => {
    const { db, counter } = countingDb();
    let now = 1_000;
    const active = new ActiveWebhooks({ now: () => now });
    const before = (await active.get(db)).length;
    await active.get(db);
    expect(counter.loads).toBe(1);

    // Saved elsewhere: this copy may be stale until it is ACTIVE_WEBHOOKS_TTL_MS old.
    const id = await insertWebhook("elsewhere", ["cache_items"]);
    now += ACTIVE_WEBHOOKS_TTL_MS - 1;
    expect(await active.get(db)).toHaveLength(before);
    now += 1;
    expect((await active.get(db)).map((w) => w.id)).toContain(id);
    expect(counter.loads).toBe(2);

    // A change of another collection keeps the copy; a `_webhooks` change drops it at once.
    const sink = active.sink();
    await sink.emit([
      { action: "create", collection: collectionDef({ name: "cache_items" }), record: { id: "x" } },
    ]);
    await active.get(db);
    expect(counter.loads).toBe(2);
    await sink.emit([{ action: "update", collection: collectionDef({ name: "_webhooks" }), record: { id } }]);
    await active.get(db);
    expect(counter.loads).toBe(3);
  });

  it("does not keep a failed load", async () => {
    let fail = true;
    const db = proxyD1(env.DB, {
      prepare: (real, sql) =>
        fail && sql.includes("`_webhooks`") ? real.prepare("SELECT nope FROM nowhere") : real.prepare(sql),
      batch: (real, statements) => real.batch(statements),
    });
    const active = new ActiveWebhooks();
    await expect(active.get(db)).rejects.toThrow();
    fail = false;
    expect(Array.isArray(await active.get(db))).toBe(true);
  });
});

describe("the app's writes", () => {
  it("read the active webhooks once per isolate, and a webhook saved here applies to the next write", async () => {
    const { db, counter } = countingDb();
    const app = createEdgebase({ logLevel: "off", authenticate: async () => SUPERUSER });
    const send = async (method: string, path: string, body: unknown): Promise<Json> => {
      const ctx = createExecutionContext();
      const res = await app.fetch(
        new Request(`http://edgebase.test${path}`, {
          method,
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
        }),
        { ...env, DB: db },
        ctx,
      );
      await waitOnExecutionContext(ctx);
      expect(res.status, path).toBe(200);
      return res.json();
    };
    for (let i = 0; i < 3; i++)
      await send("POST", "/api/collections/cache_items/records", { title: `t${i}` });
    expect(counter.loads).toBe(1);

    const hook = await send("POST", "/api/collections/_webhooks/records", {
      name: "cache next write",
      url: hookUrl("cache-next"),
      events: ["create"],
      collections: ["cache_items"],
      active: true,
    });
    const item = await send("POST", "/api/collections/cache_items/records", { title: "after" });
    expect(counter.loads).toBe(2);
    expect((await deliveriesOf(hook.id)).map((d) => d.recordId)).toEqual([item.id]);
  });
});
