/**
 * Streaming backups: a dataset of many pages (and over one R2 part, so a multipart upload) is backed up a page
 * at a time and restored exactly (BLOBs, a WITHOUT ROWID table and a column named `rowid` included); a write
 * landing during the backup's read is detected (generation triggers) and the attempt restarted, and writes on
 * every attempt end in a 400 with nothing stored. A version 1 archive (one JSON array per table) still restores.
 */
import { env } from "cloudflare:workers";
import { strToU8, unzipSync, zipSync } from "fflate";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createBackup,
  isInternal,
  readSchema,
  restoreBackup,
  SNAPSHOT_ATTEMPTS,
} from "../../src/ops/backups";
import { proxyD1 } from "../helpers/d1-proxy";
import { superuserToken } from "./helpers";

/** Every table's rows with BLOBs as hex (internal tables and the schema version aside), and the schema. */
async function dump(): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  const schema = await readSchema(env.DB);
  for (const o of schema) {
    if (o.type !== "table" || isInternal(o.name)) continue;
    const order = /WITHOUT ROWID/i.test(o.sql) ? "1" : "_rowid_";
    const { results } = await env.DB.prepare(`SELECT * FROM "${o.name}" ORDER BY ${order}`).all();
    const rows = results.map((r) =>
      Object.fromEntries(
        Object.entries(r).map(([k, v]) => [
          k,
          v instanceof ArrayBuffer || Array.isArray(v)
            ? `blob:${[...new Uint8Array(v as ArrayBuffer)].join(",")}`
            : v,
        ]),
      ),
    );
    out[o.name] = o.name === "_params" ? rows.filter((r) => r.key !== "schemaVersion") : rows;
  }
  out.__schema = schema.map((o) => `${o.type}:${o.name}:${o.sql}`).sort();
  return out;
}

/** The bucket, counting multipart uploads and plain puts. */
function countingBucket() {
  const counts = { multipart: 0, parts: 0, puts: 0 };
  const bucket = new Proxy(env.BACKUPS, {
    get(t, prop) {
      if (prop === "put") {
        return (...args: Parameters<R2Bucket["put"]>) => {
          counts.puts++;
          return t.put(...args);
        };
      }
      if (prop === "createMultipartUpload") {
        return async (...args: Parameters<R2Bucket["createMultipartUpload"]>) => {
          counts.multipart++;
          const upload = await t.createMultipartUpload(...args);
          return new Proxy(upload, {
            get(u, p) {
              if (p === "uploadPart") {
                return (...a: Parameters<R2MultipartUpload["uploadPart"]>) => {
                  counts.parts++;
                  return u.uploadPart(...a);
                };
              }
              const value = Reflect.get(u, p, u);
              return typeof value === "function" ? value.bind(u) : value;
            },
          });
        };
      }
      const value = Reflect.get(t, prop, t);
      return typeof value === "function" ? value.bind(t) : value;
    },
  });
  return { bucket, counts };
}

/**
 * The real D1, where the `at`-th page read (a statement with LIMIT) first commits `write` through the real
 * binding, for `times` attempts; `pages` counts page reads.
 */
function writingD1(at: number, times: number, write: () => Promise<unknown>) {
  const state = { pages: 0, writes: 0 };
  let seenInAttempt = 0;
  const db = proxyD1(env.DB, {
    prepare: (real, sql) => {
      const stmt = real.prepare(sql);
      if (!/ LIMIT \?/.test(sql)) {
        // Each attempt starts by recording its generation row.
        if (/INSERT INTO _eb_backup_gen/.test(sql)) seenInAttempt = 0;
        return stmt;
      }
      return new Proxy(stmt, {
        get(t, prop) {
          if (prop !== "bind") return Reflect.get(t, prop, t);
          return (...values: unknown[]) => {
            const bound = t.bind(...values);
            return new Proxy(bound, {
              get(b, p) {
                if (p !== "raw") {
                  const value = Reflect.get(b, p, b);
                  return typeof value === "function" ? value.bind(b) : value;
                }
                return async (...args: unknown[]) => {
                  state.pages++;
                  seenInAttempt++;
                  if (seenInAttempt === at && state.writes < times) {
                    state.writes++;
                    await write();
                  }
                  return (b.raw as (...a: unknown[]) => Promise<unknown>)(...args);
                };
              },
            });
          };
        },
      });
    },
    batch: (real, statements) => real.batch(statements),
  });
  return { db, state };
}

beforeAll(async () => {
  await superuserToken();
  // Over one R2 part (5 MiB) once compressed: 6,000 rows of 2,000 random hex characters, with a BLOB each.
  await env.DB.batch([
    env.DB.prepare("CREATE TABLE bulk (id INTEGER PRIMARY KEY, body TEXT, bin BLOB, score REAL)"),
    env.DB.prepare(
      "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 6000) INSERT INTO bulk (body, bin, score) SELECT hex(randomblob(1000)), randomblob(16), x / 3.0 FROM c",
    ),
    env.DB.prepare("CREATE TABLE keyed (k TEXT PRIMARY KEY, v INTEGER) WITHOUT ROWID"),
    env.DB.prepare(
      "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 250) INSERT INTO keyed SELECT printf('k%05d', x), x FROM c",
    ),
    env.DB.prepare('CREATE TABLE odd ("rowid" TEXT, "oid" TEXT, n INTEGER)'),
    env.DB.prepare("INSERT INTO odd VALUES ('a', 'b', 1), ('c', NULL, 2), (NULL, 'e', 3)"),
    env.DB.prepare("CREATE INDEX keyed_v ON keyed (v)"),
  ]);
});

beforeEach(async () => {
  const list = await env.BACKUPS.list();
  for (const o of list.objects) await env.BACKUPS.delete(o.key);
});

describe("streaming backups", () => {
  it("back up a many-page, multi-part dataset a page at a time and restore it exactly", async () => {
    const before = await dump();
    const { bucket, counts } = countingBucket();
    const { db, state } = writingD1(Number.POSITIVE_INFINITY, 0, async () => {});
    await createBackup({ db, bucket, pageRows: 100 }, "big.zip");
    // 6,000 + 250 rows at 100 a page, plus the other tables' pages.
    expect(state.pages).toBeGreaterThan(62);
    expect(counts.multipart).toBe(1);
    expect(counts.parts).toBeGreaterThanOrEqual(2);
    expect(counts.puts).toBe(0);
    const head = await env.BACKUPS.head("big.zip");
    expect(head?.size).toBeGreaterThan(5 * 1024 * 1024);

    const files = unzipSync(new Uint8Array(await (await env.BACKUPS.get("big.zip"))!.arrayBuffer()));
    const manifest = JSON.parse(new TextDecoder().decode(files["manifest.json"]));
    expect(manifest.version).toBe(2);
    const bulk = manifest.tables.find((t: { name: string }) => t.name === "bulk");
    expect(bulk.rows).toBe(6000);
    const lines = new TextDecoder().decode(files[bulk.file]).trimEnd().split("\n");
    expect(lines).toHaveLength(6000);
    expect(JSON.parse(lines[0] as string)[2]).toEqual({ $blob: expect.any(String) });

    // Change everything, then restore (streamed from R2 by ranged reads, staged, swapped).
    await env.DB.batch([
      env.DB.prepare("DELETE FROM bulk WHERE id % 2 = 0"),
      env.DB.prepare("UPDATE keyed SET v = -v"),
      env.DB.prepare("DROP TABLE odd"),
      env.DB.prepare("CREATE TABLE later (x)"),
    ]);
    expect(await dump()).not.toEqual(before);
    await restoreBackup({ db: env.DB, bucket: env.BACKUPS }, "big.zip");
    expect(await dump()).toEqual(before);
  });

  it("detects a write during the read (even to a table already read) and starts over", async () => {
    const { db, state } = writingD1(40, 1, () =>
      env.DB.prepare("INSERT INTO _params (key, value) VALUES ('during-backup', '1')").run(),
    );
    await createBackup({ db, bucket: env.BACKUPS, pageRows: 100 }, "retried.zip");
    expect(state.writes).toBe(1);
    // The restarted attempt read everything again after the write, so the write is in the backup.
    const files = unzipSync(new Uint8Array(await (await env.BACKUPS.get("retried.zip"))!.arrayBuffer()));
    const manifest = JSON.parse(new TextDecoder().decode(files["manifest.json"]));
    const params = manifest.tables.find((t: { name: string }) => t.name === "_params");
    const text = new TextDecoder().decode(files[params.file]);
    expect(text).toContain('"during-backup"');
    expect((await env.BACKUPS.list()).objects.map((o) => o.key)).toEqual(["retried.zip"]);
    await env.DB.prepare("DELETE FROM _params WHERE key = 'during-backup'").run();
  });

  it("writes during every attempt: a 400, and nothing is stored", async () => {
    let n = 0;
    const { db, state } = writingD1(3, SNAPSHOT_ATTEMPTS, () =>
      env.DB.prepare("UPDATE keyed SET v = ?1 WHERE k = 'k00001'").bind(++n).run(),
    );
    const error = await createBackup({ db, bucket: env.BACKUPS, pageRows: 100 }, "never.zip").catch((e) => e);
    expect(error?.status).toBe(400);
    expect(String(error?.message)).toMatch(/changed during each of 3 attempts/);
    expect(state.writes).toBe(SNAPSHOT_ATTEMPTS);
    expect(await env.BACKUPS.head("never.zip")).toBeNull();
    expect((await env.BACKUPS.list()).objects).toEqual([]);
    await env.DB.prepare("UPDATE keyed SET v = 1 WHERE k = 'k00001'").run();
  });

  it("still restores a version 1 archive (one JSON array per table, read whole)", async () => {
    const before = await dump();
    const files: Record<string, Uint8Array> = {};
    const tables: { name: string; file: string; columns: string[]; rows: number; sha256: string }[] = [];
    const schema = await readSchema(env.DB);
    for (const o of schema.filter((x) => x.type === "table")) {
      const { results } = await env.DB.prepare(
        `SELECT * FROM "${o.name}" ORDER BY ${/WITHOUT ROWID/i.test(o.sql) ? "1" : "_rowid_"}`,
      ).all();
      const columns = results[0] ? Object.keys(results[0]) : [];
      const rows = results.map((r) =>
        columns.map((c) => {
          const v = r[c];
          return Array.isArray(v) ? { $blob: btoa(String.fromCharCode(...(v as number[]))) } : v;
        }),
      );
      const file: string = `data/${tables.length}.json`;
      files[file] = strToU8(JSON.stringify(rows));
      const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", files[file] as Uint8Array));
      const sha256 = [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
      tables.push({ name: o.name, file, columns, rows: rows.length, sha256 });
    }
    const manifest = {
      format: "edgebase-backup",
      version: 1,
      created: new Date().toISOString(),
      schema,
      tables,
    };
    files["manifest.json"] = strToU8(JSON.stringify(manifest));
    await env.BACKUPS.put("v1.zip", zipSync(files));
    await env.DB.prepare("DELETE FROM keyed WHERE v > 10").run();
    expect(await dump()).not.toEqual(before);
    await restoreBackup({ db: env.DB, bucket: env.BACKUPS }, "v1.zip");
    expect(await dump()).toEqual(before);
  });
});
