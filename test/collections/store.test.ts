import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  CollectionStore,
  createCollection,
  SCHEMA_CHECK_INTERVAL_MS,
  updateCollection,
} from "../../src/collections";

/** A D1 wrapper counting prepared statements, to see what the store reads. */
function counting(db: D1Database) {
  const seen: string[] = [];
  const wrapped = new Proxy(db, {
    get(target, prop) {
      if (prop === "prepare") {
        return (sql: string) => {
          seen.push(sql);
          return target.prepare(sql);
        };
      }
      const value = Reflect.get(target, prop);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { db: wrapped, seen };
}

describe("CollectionStore", () => {
  it("bounds the staleness a cached isolate sees to the check interval, without reloading every definition", async () => {
    expect(SCHEMA_CHECK_INTERVAL_MS).toBeLessThanOrEqual(5_000);
    let now = 0;
    // A fresh database's first load upgrades `users`' email index and reloads (email-index-upgrade.test.ts).
    await new CollectionStore().load(env.DB);
    const { db, seen } = counting(env.DB);
    const cached = new CollectionStore({ clock: () => now });
    expect((await cached.snapshot(db)).find("users")).toBeDefined();
    const loads = () => seen.filter((s) => s.startsWith("SELECT * FROM _collections")).length;
    expect(loads()).toBe(1);

    // Another isolate (its own store) creates a collection.
    await createCollection({ db: env.DB, store: new CollectionStore() }, { name: "fresh" });
    now += SCHEMA_CHECK_INTERVAL_MS - 1;
    expect((await cached.snapshot(db)).find("fresh")).toBeUndefined();
    expect(seen.length).toBe(2);

    now += 1;
    expect((await cached.snapshot(db)).find("fresh")).toBeDefined();
    expect(loads()).toBe(2);

    // Unchanged schema: a version check only, no reload.
    now += SCHEMA_CHECK_INTERVAL_MS;
    await cached.snapshot(db);
    expect(loads()).toBe(2);
    expect(seen.at(-1)).toBe("SELECT value FROM _params WHERE key = ?");
  });

  it("shows the isolate's own change at once", async () => {
    const now = 0;
    const store = new CollectionStore({ clock: () => now });
    const d = { db: env.DB, store };
    await store.snapshot(env.DB);
    await updateCollection(d, { idOrName: "fresh", body: { listRule: "" } });
    expect((await store.snapshot(env.DB)).find("fresh")?.listRule).toBe("");
  });

  it("lets one request revalidate while concurrent ones use the cached snapshot", async () => {
    let now = 0;
    const { db, seen } = counting(env.DB);
    const store = new CollectionStore({ clock: () => now });
    const first = await store.snapshot(db);
    now = 10_000;
    seen.length = 0;
    const results = await Promise.all([store.snapshot(db), store.snapshot(db), store.snapshot(db)]);
    // Workers forbid a request from awaiting I/O another request started, so nothing is shared: one check runs
    // on the request that found it due, the others answer from the cache at once.
    expect(seen.filter((s) => s.startsWith("SELECT value FROM _params")).length).toBe(1);
    expect(results.every((r) => r === first)).toBe(true);
  });

  it("finds collections by id and by name case-insensitively", async () => {
    const snapshot = await new CollectionStore().snapshot(env.DB);
    expect(snapshot.find("_pb_users_auth_")?.name).toBe("users");
    expect(snapshot.find("USERS")?.id).toBe("_pb_users_auth_");
    expect(snapshot.find("nope")).toBeUndefined();
  });

  it("does not let a load that started before this isolate's own change overwrite it", async () => {
    const store = new CollectionStore();
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    // The first batch reads the old schema, then is held until the change below has been installed.
    const held = new Proxy(env.DB, {
      get(target, prop) {
        if (prop === "batch") {
          return async (statements: D1PreparedStatement[]) => {
            const results = await target.batch(statements);
            await gate;
            return results;
          };
        }
        const value = Reflect.get(target, prop);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const slow = store.load(held);
    await updateCollection({ db: env.DB, store }, { idOrName: "fresh", body: { viewRule: "id = 'x'" } });
    release();
    expect((await slow).find("fresh")?.viewRule).not.toBe("id = 'x'");
    expect((await store.snapshot(env.DB)).find("fresh")?.viewRule).toBe("id = 'x'");
  });
});
