/**
 * Backups through the Worker and the service: create/list/download/delete/upload/restore, a restore that
 * brings the data back exactly (table diff), a restore failing at any write call (staging or the swap batch) that
 * leaves the database unchanged (fault injection around the real D1), corrupted archives refused before anything changes, and the
 * scheduled backup with cronMaxKeep.
 */
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { strToU8, unzipSync, zipSync } from "fflate";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createEdgebase } from "../../src/app";
import { isInternal, readSchema, restoreBackup } from "../../src/ops/backups";
import { SETTINGS_KEY } from "../../src/ops/settings";
import { FaultyD1 } from "../helpers/faulty-d1";
import { api } from "../helpers/request";
import { authed, signUp } from "../http/routes/auth-helpers";
import { call, type Json, superuserToken, userToken } from "./helpers";

let admin: string;
let user: string;

/** Every table's rows (internal tables and the schema version aside), for an exact before/after comparison. */
async function tableDiffDump(): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const o of await readSchema(env.DB)) {
    if (o.type !== "table" || isInternal(o.name)) continue;
    const { results } = await env.DB.prepare(`SELECT * FROM \`${o.name}\` ORDER BY rowid`).all();
    out[o.name] = o.name === "_params" ? results.filter((r) => r.key !== "schemaVersion") : results;
  }
  const schema = (await readSchema(env.DB)).map((o) => `${o.type}:${o.name}:${o.sql}`).sort();
  out.__schema = schema;
  return out;
}

/** Staging tables left in the database (a finished or failed restore leaves none). */
async function stageTables(): Promise<string[]> {
  const { results } = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE name LIKE '\\_eb\\_restore\\_%' ESCAPE '\\'",
  ).all<{ name: string }>();
  return results.map((r) => r.name);
}

async function clearBucket() {
  const list = await env.BACKUPS.list();
  for (const o of list.objects) await env.BACKUPS.delete(o.key);
}

async function makeCollection(name: string) {
  const res = await call("POST", "/api/collections", admin, {
    name,
    type: "base",
    listRule: "",
    viewRule: "",
    createRule: "",
    fields: [
      { name: "title", type: "text" },
      { name: "n", type: "number" },
    ],
  });
  expect(res.status).toBe(200);
}

async function addPost(collection: string, title: string, n: number) {
  const res = await call("POST", `/api/collections/${collection}/records`, admin, { title, n });
  expect(res.status).toBe(200);
}

beforeAll(async () => {
  admin = await superuserToken();
  user = await userToken();
  await makeCollection("posts");
  await addPost("posts", "it's quoted", 1);
  await addPost("posts", "ünïcode ✓ \n newline", 2.5);
});

beforeEach(async () => {
  await clearBucket();
});

describe("access", () => {
  it.each([
    ["GET", "/api/backups"],
    ["POST", "/api/backups"],
    ["POST", "/api/backups/upload"],
    ["DELETE", "/api/backups/x.zip"],
    ["POST", "/api/backups/x.zip/restore"],
  ])("%s %s: 401 for guests, 403 for users", async (method, path) => {
    expect((await call(method, path, null, {})).status).toBe(401);
    expect((await call(method, path, user, {})).status).toBe(403);
  });

  it("downloads need a superuser's file token", async () => {
    expect((await call("POST", "/api/backups", admin, { name: "dl.zip" })).status).toBe(204);
    expect((await api("/api/backups/dl.zip")).status).toBe(400);
    expect((await api("/api/backups/dl.zip?token=forged.token.value")).status).toBe(400);
    const userFileToken = ((await (await call("POST", "/api/files/token", user)).json()) as Json).token;
    expect((await api(`/api/backups/dl.zip?token=${userFileToken}`)).status).toBe(403);
    expect((await call("POST", "/api/files/token", null)).status).toBe(401);
    const token = ((await (await call("POST", "/api/files/token", admin)).json()) as Json).token;
    const res = await api(`/api/backups/dl.zip?token=${token}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toContain("dl.zip");
    const files = unzipSync(new Uint8Array(await res.arrayBuffer()));
    expect(Object.keys(files)).toContain("manifest.json");
    expect((await api(`/api/backups/missing.zip?token=${token}`)).status).toBe(404);
  });
});

describe("create, list, delete", () => {
  it("creates with a given or default name, lists newest first, refuses bad and taken names", async () => {
    expect((await call("POST", "/api/backups", admin, { name: "first.zip" })).status).toBe(204);
    expect((await call("POST", "/api/backups", admin, {})).status).toBe(204);
    const list = (await (await call("GET", "/api/backups", admin)).json()) as Json[];
    expect(list).toHaveLength(2);
    expect(list.map((b) => b.key)).toContain("first.zip");
    expect(list.find((b) => b.key !== "first.zip").key).toMatch(/^pb_backup_\d{14}\.zip$/);
    for (const b of list) {
      expect(b.size).toBeGreaterThan(100);
      expect(b.modified).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z$/);
    }
    for (const name of [
      "../x.zip",
      "UPPER.zip",
      "no-ext",
      `${"a".repeat(300)}.zip`,
      "@auto_pb_backup_1.zip",
      42,
    ]) {
      const res = await call("POST", "/api/backups", admin, { name });
      expect(res.status, String(name)).toBe(400);
      expect(((await res.json()) as Json).data.name).toBeDefined();
    }
    const taken = await call("POST", "/api/backups", admin, { name: "first.zip" });
    expect(taken.status).toBe(400);
    expect(((await taken.json()) as Json).data.name.code).toBe("validation_backup_name_exists");
    expect((await call("DELETE", "/api/backups/first.zip", admin)).status).toBe(204);
    expect((await call("DELETE", "/api/backups/first.zip", admin)).status).toBe(404);
    expect((await call("DELETE", "/api/backups/..%2Fetc.zip", admin)).status).toBe(404);
  });
});

describe("restore", () => {
  it("brings the data back exactly (table diff), after rows, settings and a collection changed", async () => {
    await call("PATCH", "/api/settings", admin, { meta: { appName: "Before" } });
    const before = await tableDiffDump();
    expect((await call("POST", "/api/backups", admin, { name: "snap.zip" })).status).toBe(204);

    await addPost("posts", "added after", 3);
    await call("PATCH", "/api/settings", admin, { meta: { appName: "After" } });
    await makeCollection("later_things");
    await signUp(`late-${Date.now()}@example.com`);
    expect(await tableDiffDump()).not.toEqual(before);

    const res = await call("POST", "/api/backups/snap.zip/restore", admin);
    expect(res.status).toBe(204);
    expect(await tableDiffDump()).toEqual(before);
    // This isolate serves the restored schema and settings at once.
    expect((await call("GET", "/api/collections/later_things/records", admin)).status).toBe(404);
    const posts = (await (await call("GET", "/api/collections/posts/records?sort=n", admin)).json()) as Json;
    expect(posts.items.map((p: Json) => p.title)).toEqual(["it's quoted", "ünïcode ✓ \n newline"]);
    expect(((await (await call("GET", "/api/settings", admin)).json()) as Json).meta.appName).toBe("Before");
    expect((await call("POST", "/api/backups/missing.zip/restore", admin)).status).toBe(404);
  });

  it("a restore failing at any write call (staging or swap) leaves the database unchanged", async () => {
    expect((await call("POST", "/api/backups", admin, { name: "atomic.zip" })).status).toBe(204);
    // A first, recorded run maps the restore's write calls: create the staging table, staging batches, swap.
    const faulty = new FaultyD1(env.DB);
    faulty.arm(null);
    await restoreBackup({ db: faulty.binding, bucket: env.BACKUPS }, "atomic.zip");
    const calls = faulty.calls;
    expect(calls.length).toBeGreaterThanOrEqual(3);
    const swap = calls.length - 1;
    expect(calls[0]?.statements[0]).toMatch(/^CREATE TABLE [`"]_eb_restore_/);
    const swapLength = calls[swap]?.statements.length ?? 0;
    expect(swapLength).toBeGreaterThan(10);
    expect(await stageTables()).toEqual([]);

    await addPost("posts", "made after the backup", 9);
    const before = await tableDiffDump();
    const version = await env.DB.prepare("SELECT value FROM _params WHERE key = 'schemaVersion'").first();
    const random = (n: number) => Math.floor(Math.random() * n);
    const plans = [
      { call: 0, statement: 0 },
      ...calls.slice(1, swap).map((c, i) => ({ call: i + 1, statement: random(c.statements.length + 1) })),
      // The swap: its first statement, three random ones, and the commit itself (after the last).
      { call: swap, statement: 0 },
      ...Array.from({ length: 3 }, () => ({ call: swap, statement: random(swapLength) })),
      { call: swap, statement: swapLength },
    ];
    for (const plan of plans) {
      faulty.arm(plan);
      await expect(
        restoreBackup({ db: faulty.binding, bucket: env.BACKUPS }, "atomic.zip"),
      ).rejects.toThrow();
      const where = JSON.stringify(plan);
      expect(faulty.fired, where).toBe(true);
      expect(await tableDiffDump(), where).toEqual(before);
      expect(
        await env.DB.prepare("SELECT value FROM _params WHERE key = 'schemaVersion'").first(),
        where,
      ).toEqual(version);
      expect(await stageTables(), where).toEqual([]);
    }
  });

  it("refuses corrupted archives (upload or restore) before anything changes", async () => {
    expect((await call("POST", "/api/backups", admin, { name: "good.zip" })).status).toBe(204);
    const token = ((await (await call("POST", "/api/files/token", admin)).json()) as Json).token;
    const good = new Uint8Array(await (await api(`/api/backups/good.zip?token=${token}`)).arrayBuffer());
    const files = unzipSync(good);
    const manifest = JSON.parse(new TextDecoder().decode(files["manifest.json"]));
    const populated = manifest.tables.find((t: Json) => t.rows > 0) as { file: string };
    const variants: Record<string, Uint8Array> = {
      "not-a-zip": strToU8("hello"),
      truncated: good.slice(0, good.length - 40),
      // Emptied data of a table that has rows (an empty table's file is already "[]").
      checksum: zipSync({ ...files, [populated.file]: strToU8("[]") }),
      version: zipSync({ ...files, "manifest.json": strToU8(JSON.stringify({ ...manifest, version: 99 })) }),
      "no-manifest": zipSync({ [populated.file]: files[populated.file] as Uint8Array }),
      "bad-sql": zipSync({
        ...files,
        "manifest.json": strToU8(
          JSON.stringify({
            ...manifest,
            schema: manifest.schema.map((o: Json, i: number) =>
              i === 0 ? { ...o, sql: "DROP TABLE _params" } : o,
            ),
          }),
        ),
      }),
      "no-system-tables": zipSync({
        ...files,
        "manifest.json": strToU8(
          JSON.stringify({
            ...manifest,
            schema: manifest.schema.filter((o: Json) => o.name !== "_superusers"),
            tables: manifest.tables.filter((t: Json) => t.name !== "_superusers"),
          }),
        ),
      }),
    };
    const before = await tableDiffDump();
    for (const [name, bytes] of Object.entries(variants)) {
      const form = new FormData();
      form.append("file", new File([bytes], `${name}.zip`));
      const res = await authed(admin, "/api/backups/upload", { method: "POST", body: form });
      expect(res.status, name).toBe(400);
      expect(((await res.json()) as Json).message, name).toMatch(/Invalid backup/);
      // Planted straight into R2 (as a tampered bucket would hold it): restore refuses it too.
      await env.BACKUPS.put(`${name}.zip`, bytes);
      const restore = await call("POST", `/api/backups/${name}.zip/restore`, admin);
      expect(restore.status, name).toBe(400);
      expect(await tableDiffDump(), name).toEqual(before);
    }
    const form = new FormData();
    form.append("file", new File([good], "copy.zip"));
    expect((await authed(admin, "/api/backups/upload", { method: "POST", body: form })).status).toBe(204);
    const noFile = new FormData();
    noFile.append("other", "x");
    expect((await authed(admin, "/api/backups/upload", { method: "POST", body: noFile })).status).toBe(400);
    expect((await call("POST", "/api/backups/upload", admin, { file: "x" })).status).toBe(400);
  });
});

describe("scheduled backups", () => {
  it("run when backups.cron is due and keep cronMaxKeep automatic ones", async () => {
    await env.DB.prepare("DELETE FROM _params WHERE key = ?").bind(SETTINGS_KEY).run();
    expect(
      (await call("PATCH", "/api/settings", admin, { backups: { cron: "0 3 * * *", cronMaxKeep: 2 } }))
        .status,
    ).toBe(200);
    expect((await call("PATCH", "/api/settings", admin, { backups: { cron: "every day" } })).status).toBe(
      400,
    );
    await call("POST", "/api/backups", admin, { name: "manual.zip" });
    const app = createEdgebase({ logLevel: "off" });
    for (const when of [
      "2026-06-01T03:00:00Z",
      "2026-06-01T04:00:00Z",
      "2026-06-02T03:00:00Z",
      "2026-06-03T03:00:00Z",
    ]) {
      const ctx = createExecutionContext();
      await app.scheduled(
        createScheduledController({ scheduledTime: Date.parse(when), cron: "* * * * *" }),
        env,
        ctx,
      );
      await waitOnExecutionContext(ctx);
    }
    const keys = (await env.BACKUPS.list()).objects.map((o) => o.key).sort();
    expect(keys).toEqual([
      "@auto_pb_backup_20260602030000.zip",
      "@auto_pb_backup_20260603030000.zip",
      "manual.zip",
    ]);
    await call("PATCH", "/api/settings", admin, { backups: { cron: "" } });
  });
});
