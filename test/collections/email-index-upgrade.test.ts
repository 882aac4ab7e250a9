/**
 * Issue 22: an auth collection an older version made (plain unique email index) gets the unique lower(email)
 * index when the schema is loaded, with no save, once and race-safely across isolates; an upgrade that case
 * duplicates block is recorded in D1 and not retried by any isolate until the schema changes.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createEdgebase } from "../../src/app";
import { CollectionStore, createCollection, updateCollection } from "../../src/collections";
import type { ApiError } from "../../src/lib/errors";
import { createLogger } from "../../src/observability/logger";
import { FaultyD1 } from "../helpers/faulty-d1";
import { PASSWORD } from "../http/routes/auth-helpers";

/** Creates an auth collection's table, indexes and definition the way versions before the upgrade did. */
async function createOldAuthCollection(id: string, name: string): Promise<void> {
  const plainEmail = `CREATE UNIQUE INDEX \`idx_email_${id}\` ON \`${name}\` (\`email\`) WHERE \`email\` != ''`;
  const tokenKey = `CREATE UNIQUE INDEX \`idx_tokenKey_${id}\` ON \`${name}\` (\`tokenKey\`)`;
  // The table `users` has (same fields as its definition, copied below), under the new name.
  const users = await env.DB.prepare(
    "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'users'",
  ).first<{
    sql: string;
  }>();
  await env.DB.batch([
    env.DB.prepare((users?.sql ?? "").replace(/^CREATE TABLE [`"]?users[`"]?/, `CREATE TABLE \`${name}\``)),
    env.DB.prepare(tokenKey),
    env.DB.prepare(plainEmail),
    // Same fields and options as `users` (migration 0001); the sign-up rule is open.
    env.DB.prepare(
      `INSERT INTO _collections ("id", "name", "type", "system", "fields", "indexes", "listRule", "viewRule", "createRule", "updateRule", "deleteRule", "options")
       SELECT ?1, ?2, 'auth', 0, fields, ?3, listRule, viewRule, '', updateRule, deleteRule, options FROM _collections WHERE id = '_pb_users_auth_'`,
    ).bind(id, name, JSON.stringify([tokenKey, plainEmail])),
    env.DB.prepare(
      "UPDATE _params SET value = json_quote(lower(hex(randomblob(8)))) WHERE key = 'schemaVersion'",
    ),
  ]);
}

const lowerSql = (id: string, name: string) =>
  `CREATE UNIQUE INDEX \`idx_email_${id}\` ON \`${name}\` (lower(\`email\`)) WHERE \`email\` != ''`;

async function indexSql(name: string): Promise<string | undefined> {
  const row = await env.DB.prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?")
    .bind(name)
    .first<{ sql: string }>();
  return row?.sql;
}

async function storedIndexes(id: string): Promise<string[]> {
  const row = await env.DB.prepare("SELECT indexes FROM _collections WHERE id = ?")
    .bind(id)
    .first<{ indexes: string }>();
  return JSON.parse(row?.indexes ?? "[]") as string[];
}

const version = async () =>
  (await env.DB.prepare("SELECT value FROM _params WHERE key = 'schemaVersion'").first<{ value: string }>())
    ?.value;

/** A fresh app: its own collection store, as a new isolate has (on `db`, the real binding by default). */
function isolate(db: D1Database = env.DB) {
  const app = createEdgebase({ logLevel: "off" });
  return async (method: string, path: string, body?: unknown) => {
    const ctx = createExecutionContext();
    const res = await app.request(
      `http://edgebase.test${path}`,
      {
        method,
        headers: {
          "content-type": "application/json",
          "cf-connecting-ip": `198.51.100.${Math.floor(Math.random() * 250)}`,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      },
      { ...env, DB: db },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    return res;
  };
}

/** The write batches `faulty` saw that build collection `id`'s email index (statements are cut at 40 chars). */
const attempts = (faulty: FaultyD1, id: string) => {
  const head = `CREATE UNIQUE INDEX \`idx_email_${id}\``.slice(0, 40);
  return faulty.calls.filter((c) => c.statements.includes(head)).length;
};

/** The schema version the upgrade of collection `id` was recorded as failed at. */
const failureMarker = async (id: string) =>
  (
    await env.DB.prepare("SELECT value FROM _params WHERE key = ?")
      .bind(`emailIndexUpgradeFailed:${id}`)
      .first<{ value: string }>()
  )?.value;

const signUp = (email: string) => ({ email, password: PASSWORD, passwordConfirm: PASSWORD });

describe("the plain email index of an older auth collection", () => {
  it("is upgraded on the first request, with no save: index, definition and version in one step", async () => {
    await createOldAuthCollection("oldauth00000001", "old_members");
    expect(await indexSql("idx_email_oldauth00000001")).not.toContain("lower(");
    const before = await version();

    const res = await isolate()("GET", "/api/collections/old_members/records");
    expect(res.status).toBe(200);

    expect(await indexSql("idx_email_oldauth00000001")).toContain("lower(`email`)");
    const indexes = await storedIndexes("oldauth00000001");
    expect(indexes).toEqual([
      "CREATE UNIQUE INDEX `idx_tokenKey_oldauth00000001` ON `old_members` (`tokenKey`)",
      lowerSql("oldauth00000001", "old_members"),
    ]);
    expect(await version()).not.toBe(before);
    // The migrated `users` collection is upgraded the same way.
    expect(await indexSql("idx_email__pb_users_auth_")).toContain("lower(`email`)");

    // Once: a later load changes nothing.
    const settled = await version();
    const snapshot = await new CollectionStore().load(env.DB);
    expect(snapshot.version).toBe(settled);
    expect(snapshot.find("old_members")?.indexes).toEqual(indexes);
  });

  it("two isolates upgrading at once both serve their first requests, and one upgrade lands whole", async () => {
    await createOldAuthCollection("oldauth00000002", "old_racers");
    const isolates = Array.from({ length: 4 }, () => isolate());
    const responses = await Promise.all(
      isolates.map((send) => send("GET", "/api/collections/old_racers/records")),
    );
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const loads = await Promise.all(Array.from({ length: 3 }, () => new CollectionStore().load(env.DB)));
    for (const snapshot of loads) {
      expect(snapshot.find("old_racers")?.indexes).toContain(lowerSql("oldauth00000002", "old_racers"));
    }
    expect(await indexSql("idx_email_oldauth00000002")).toContain("lower(`email`)");
    const { results } = await env.DB.prepare(
      "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'old_racers' AND sql IS NOT NULL ORDER BY name",
    ).all<{ name: string }>();
    expect(results.map((r) => r.name)).toEqual(["idx_email_oldauth00000002", "idx_tokenKey_oldauth00000002"]);

    // The race the index closes: case variants signing up at once, through different isolates; one lands.
    const variants = ["Race@Example.com", "race@example.com", "RACE@EXAMPLE.COM", "race@Example.COM"];
    const signUps = await Promise.all(
      variants.map((email, i) =>
        (isolates[i] ?? isolate())("POST", "/api/collections/old_racers/records", signUp(email)),
      ),
    );
    expect(signUps.map((r) => r.status).sort()).toEqual([200, 400, 400, 400]);
    for (const r of signUps.filter((r) => r.status === 400)) {
      const body = (await r.json()) as { status: number; data: Record<string, { code: string }> };
      expect(body.status).toBe(400);
      expect(JSON.stringify(body)).not.toMatch(/SQLITE|D1_ERROR/);
    }
    const count = await env.DB.prepare(
      "SELECT count(*) AS n FROM old_racers WHERE lower(email) = 'race@example.com'",
    ).first<{ n: number }>();
    expect(count?.n).toBe(1);
  });

  it("isolates loading at once: one upgrade commits, the others see it, none fails or warns", async () => {
    await createOldAuthCollection("oldauth00000004", "old_loaders");
    const lines: string[] = [];
    const log = createLogger({ write: (line) => lines.push(line) });
    const stores = Array.from({ length: 4 }, () => new CollectionStore({ log }));
    const snapshots = await Promise.all(stores.map((store) => store.load(env.DB)));
    for (const snapshot of snapshots) {
      expect(snapshot.find("old_loaders")?.indexes).toContain(lowerSql("oldauth00000004", "old_loaders"));
    }
    expect(new Set(snapshots.map((s) => s.version)).size).toBe(1);
    expect(snapshots[0]?.version).toBe(await version());
    expect(lines).toEqual([]);
    expect(await indexSql("idx_email_oldauth00000004")).toContain("lower(`email`)");
  });

  it("with case-only duplicates, keeps the old index, serves requests, warns once and is not retried", async () => {
    await createOldAuthCollection("oldauth00000003", "old_dups");
    const insert = "INSERT INTO old_dups (id, email, tokenKey) VALUES (?, ?, ?)";
    await env.DB.prepare(insert).bind("dupcase00000001", "Dup@example.com", "k1").run();
    await env.DB.prepare(insert).bind("dupcase00000002", "dup@example.com", "k2").run();
    const faulty = new FaultyD1(env.DB);
    faulty.arm(null);
    const lines: string[] = [];
    const store = new CollectionStore({ log: createLogger({ write: (line) => lines.push(line) }) });

    for (let i = 0; i < 3; i++) {
      const snapshot = await store.load(faulty.binding);
      expect(snapshot.find("old_dups")?.indexes).toContain(
        "CREATE UNIQUE INDEX `idx_email_oldauth00000003` ON `old_dups` (`email`) WHERE `email` != ''",
      );
    }
    expect(attempts(faulty, "oldauth00000003")).toBe(1);
    expect(await indexSql("idx_email_oldauth00000003")).not.toContain("lower(");
    const warnings = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: "warn", collection: "old_dups" });
    expect(String(warnings[0]?.msg)).toContain("differ only in case");
    expect(lines[0]).not.toContain("dup@example.com");
    // The failure is in D1, at the schema version the load left.
    const failedAt = await version();
    expect(await failureMarker("oldauth00000003")).toBe(failedAt);

    // A new isolate (its own app and collection store) serves its requests without attempting it again.
    faulty.arm(null);
    const send = isolate(faulty.binding);
    expect((await send("GET", "/api/collections/old_dups/records")).status).toBe(200);
    const first = await send("POST", "/api/collections/old_dups/records", signUp("new@example.com"));
    expect(first.status, await first.clone().text()).toBe(200);
    // Sign-ups still refuse a case duplicate (the write path's case-insensitive check stays).
    expect((await send("POST", "/api/collections/old_dups/records", signUp("NEW@example.com"))).status).toBe(
      400,
    );
    expect(faulty.calls.length).toBeGreaterThan(0);
    expect(attempts(faulty, "oldauth00000003")).toBe(0);
    const quiet: string[] = [];
    await new CollectionStore({ log: createLogger({ write: (line) => quiet.push(line) }) }).load(
      faulty.binding,
    );
    expect(attempts(faulty, "oldauth00000003")).toBe(0);
    expect(quiet).toEqual([]);
    expect(await indexSql("idx_email_oldauth00000003")).not.toContain("lower(");

    // A save is refused while the duplicates remain.
    const off = () => new CollectionStore({ log: createLogger({ level: "off" }) });
    const refused = await updateCollection(
      { db: env.DB, store: off() },
      { idOrName: "old_dups", body: {} },
    ).then(
      () => undefined,
      (err: ApiError) => err,
    );
    expect(refused?.status).toBe(400);
    expect(await indexSql("idx_email_oldauth00000003")).not.toContain("lower(");

    // The operator resolves the duplicate: nothing retries on its own (the schema did not change) ...
    await env.DB.prepare("DELETE FROM old_dups WHERE id = 'dupcase00000002'").run();
    await off().load(faulty.binding);
    expect(attempts(faulty, "oldauth00000003")).toBe(0);
    expect(await indexSql("idx_email_oldauth00000003")).not.toContain("lower(");
    // ... and saving the collection upgrades the index.
    const saved = await updateCollection({ db: env.DB, store: off() }, { idOrName: "old_dups", body: {} });
    expect(saved.indexes).toContain(lowerSql("oldauth00000003", "old_dups"));
    expect(await storedIndexes("oldauth00000003")).toContain(lowerSql("oldauth00000003", "old_dups"));
    expect(await indexSql("idx_email_oldauth00000003")).toBe(lowerSql("oldauth00000003", "old_dups"));
    expect(await version()).not.toBe(failedAt);
  });

  it("a blocked upgrade is tried again once the schema version changes, and lands when the data allows", async () => {
    await createOldAuthCollection("oldauth00000005", "old_blocked");
    const insert = "INSERT INTO old_blocked (id, email, tokenKey) VALUES (?, ?, ?)";
    await env.DB.prepare(insert).bind("blocked00000001", "Twin@example.com", "k1").run();
    await env.DB.prepare(insert).bind("blocked00000002", "twin@example.com", "k2").run();
    const faulty = new FaultyD1(env.DB);
    faulty.arm(null);
    const off = () => new CollectionStore({ log: createLogger({ level: "off" }) });
    await off().load(faulty.binding);
    expect(attempts(faulty, "oldauth00000005")).toBe(1);
    const first = await version();
    expect(await failureMarker("oldauth00000005")).toBe(first);

    // Another collection is created: a new schema version, so the next isolate tries once and records again.
    await createCollection({ db: env.DB, store: off() }, { name: "unrelated_posts" });
    const second = await version();
    expect(second).not.toBe(first);
    faulty.arm(null);
    await off().load(faulty.binding);
    await off().load(faulty.binding);
    expect(attempts(faulty, "oldauth00000005")).toBe(1);
    expect(await failureMarker("oldauth00000005")).toBe(second);

    // With the duplicate gone and the schema changed again, the next isolate upgrades it and the marker goes.
    await env.DB.prepare("DELETE FROM old_blocked WHERE id = 'blocked00000002'").run();
    await createCollection({ db: env.DB, store: off() }, { name: "unrelated_tags" });
    faulty.arm(null);
    const snapshot = await off().load(faulty.binding);
    expect(attempts(faulty, "oldauth00000005")).toBe(1);
    expect(snapshot.find("old_blocked")?.indexes).toContain(lowerSql("oldauth00000005", "old_blocked"));
    expect(await indexSql("idx_email_oldauth00000005")).toBe(lowerSql("oldauth00000005", "old_blocked"));
    expect(await failureMarker("oldauth00000005")).toBeUndefined();
  });
});
