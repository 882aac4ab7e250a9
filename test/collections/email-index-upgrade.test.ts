/**
 * Issue 22: an auth collection an older version made (plain unique email index) gets the unique lower(email)
 * index when the schema is loaded, with no save, once and race-safely across isolates.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createEdgebase } from "../../src/app";
import { CollectionStore } from "../../src/collections";
import { createLogger } from "../../src/observability/logger";
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

/** A fresh app: its own collection store, as a new isolate has. */
function isolate() {
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
      env,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    return res;
  };
}

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

  it("with case-only duplicates, keeps the old index, serves requests and warns once; a fix then upgrades", async () => {
    await createOldAuthCollection("oldauth00000003", "old_dups");
    const insert = "INSERT INTO old_dups (id, email, tokenKey) VALUES (?, ?, ?)";
    await env.DB.prepare(insert).bind("dupcase00000001", "Dup@example.com", "k1").run();
    await env.DB.prepare(insert).bind("dupcase00000002", "dup@example.com", "k2").run();
    const lines: string[] = [];
    const store = new CollectionStore({ log: createLogger({ write: (line) => lines.push(line) }) });

    for (let i = 0; i < 3; i++) {
      const snapshot = await store.load(env.DB);
      expect(snapshot.find("old_dups")?.indexes).toContain(
        "CREATE UNIQUE INDEX `idx_email_oldauth00000003` ON `old_dups` (`email`) WHERE `email` != ''",
      );
    }
    expect(await indexSql("idx_email_oldauth00000003")).not.toContain("lower(");
    const warnings = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: "warn", collection: "old_dups" });
    expect(String(warnings[0]?.msg)).toContain("differ only in case");
    expect(lines[0]).not.toContain("dup@example.com");

    // Requests are not failed by it: sign-ups still work (the write path's case-insensitive check stays).
    const send = isolate();
    const first = await send("POST", "/api/collections/old_dups/records", signUp("new@example.com"));
    expect(first.status, await first.clone().text()).toBe(200);
    expect((await send("POST", "/api/collections/old_dups/records", signUp("NEW@example.com"))).status).toBe(
      400,
    );
    expect(await indexSql("idx_email_oldauth00000003")).not.toContain("lower(");

    // The operator resolves the duplicate; the next isolate's load upgrades it.
    await env.DB.prepare("DELETE FROM old_dups WHERE id = 'dupcase00000002'").run();
    const fresh = await new CollectionStore({ log: createLogger({ level: "off" }) }).load(env.DB);
    expect(fresh.find("old_dups")?.indexes).toContain(lowerSql("oldauth00000003", "old_dups"));
    expect(await indexSql("idx_email_oldauth00000003")).toContain("lower(`email`)");
  });
});
