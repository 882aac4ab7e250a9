/**
 * Seeds a dataset's D1 database: system migrations, a users table and a posts table with the indexes a user
 * would add, filled by recursive-CTE INSERTs that run inside SQLite (1M rows in seconds, not minutes), and the
 * baseline's (empty) file records table.
 */

import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { registerCollections } from "../edgebase/register.mjs";
import { DATASETS, ROOT } from "./config.mjs";

/** A D1 database as Miniflare hands it to Node (the bench seeds through the same binding the Workers use). */
/** @typedef {Awaited<ReturnType<import("miniflare").Miniflare["getD1Database"]>>} D1 */

/** Bump when the generated data or DDL changes: a persisted database with another version is rebuilt. */
export const SEED_VERSION = 2;

/** Posts per user: every user owns about this many posts whatever the dataset size. */
export const POSTS_PER_USER = 100;
/** Rows one INSERT statement generates (keeps each statement well under D1's 30 s query limit). */
const CHUNK = 100_000;
/** Rows of the 10k dataset copied into posts_private, the owner-rule collection of scenario 2. */
const PRIVATE_TABLE = "posts_private";

/** Column definitions in the shape Edgebase's field types emit (src/collections/fields). */
const POST_COLUMNS = `id TEXT PRIMARY KEY NOT NULL, title TEXT DEFAULT '' NOT NULL, views NUMERIC DEFAULT 0 NOT NULL,
  published TEXT DEFAULT '' NOT NULL, author TEXT DEFAULT '' NOT NULL, status TEXT DEFAULT '' NOT NULL,
  created TEXT DEFAULT '' NOT NULL, updated TEXT DEFAULT '' NOT NULL`;

/**
 * The baseline's records with an attachment (bench/baseline/schema.ts `baselineFiles`). IF NOT EXISTS: made on a
 * reused database too, and its rows (each run's uploads) kept like those of Edgebase's bench_files collections.
 */
const BASELINE_FILES = `CREATE TABLE IF NOT EXISTS baseline_files (id TEXT PRIMARY KEY NOT NULL,
  file TEXT DEFAULT '' NOT NULL, created TEXT DEFAULT '' NOT NULL)`;

/**
 * The indexes a user would add for the bench's queries: sort by date, filter by author or status then sort.
 * @param {string} table
 */
export function postIndexes(table) {
  return [
    `CREATE INDEX idx_${table}_published ON ${table} (published)`,
    `CREATE INDEX idx_${table}_author_published ON ${table} (author, published)`,
    `CREATE INDEX idx_${table}_status_published ON ${table} (status, published)`,
  ];
}

/**
 * Deterministic 15-character record id of post number n (1-based): digits only, scattered over the key space
 * like random ids (2654435761 is coprime with 10^15, so ids are unique).
 * @param {number} n
 */
export function postId(n) {
  return ((BigInt(n) * 2654435761n) % 10n ** 15n).toString().padStart(15, "0");
}

/** Number of the seeded user who owns the owner-rule posts and signs in; Edgebase creates this one. */
export const OWNER = 1;

/**
 * Id of user number n (0-based).
 * @param {number} n
 */
export function userId(n) {
  return `u${String(n).padStart(14, "0")}`;
}

const WORDS = JSON.stringify(
  "edge worker query index cache token rule batch sqlite durable object region latency bundle stream tenant".split(
    " ",
  ),
);

/**
 * SQL generating posts first..last (inclusive) for a dataset with `users` users.
 * @param {number} first
 * @param {number} last
 * @param {number} users
 */
function insertPosts(first, last, users) {
  const word = (/** @type {string} */ expr) => `json_extract('${WORDS}', '$[' || ((${expr}) % 16) || ']')`;
  const date = "strftime('%Y-%m-%d %H:%M:%S.000Z', 1672531200 + (n * 1103515245) % 94608000, 'unixepoch')";
  return `WITH RECURSIVE seq(n) AS (SELECT ${first} UNION ALL SELECT n + 1 FROM seq WHERE n < ${last})
INSERT INTO posts (id, title, views, published, author, status, created, updated)
SELECT printf('%015d', (n * 2654435761) % 1000000000000000),
  'How to ' || ${word("n")} || ' the ' || ${word("n / 16")} || ' ' || ${word("n / 256")} || ' (part ' || n || ')',
  (n * 48271) % 100000, ${date}, 'u' || printf('%014d', (n * 31) % ${users}),
  CASE WHEN (n / ${users}) % 10 < 6 THEN 'published' WHEN (n / ${users}) % 10 < 9 THEN 'draft' ELSE 'archived' END,
  ${date}, ${date}
FROM seq`;
}

/**
 * Statements of the system migrations (migrations/NNNN_name.sql, drizzle's breakpoint-separated format).
 * @param {string} [folder] migrations/ (DB) or migrations-logs/ (LOGS)
 * @returns {string[]}
 */
export function migrationStatements(folder = "migrations") {
  const dir = join(ROOT, folder);
  return readdirSync(dir)
    .filter((f) => /^\d{4}_.*\.sql$/.test(f))
    .sort()
    .flatMap((f) => readFileSync(join(dir, f), "utf8").split("--> statement-breakpoint"))
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/**
 * Seeds every dataset a run serves (reusing a persisted one that matches), registers Edgebase's collections
 * over it and empties its request logs.
 * @param {import("./server.mjs").Server} server
 * @param {import("./config.mjs").DatasetName[]} datasets
 * @param {(msg: string) => void} log
 * @returns {Promise<Record<string, { rows: number, reused: boolean, ms: number }>>}
 */
export async function seedDatasets(server, datasets, log) {
  /** @type {Record<string, { rows: number, reused: boolean, ms: number }>} */
  const seed = {};
  for (const ds of datasets) {
    const rows = DATASETS[ds];
    log(`Seeding ${ds} (${rows.toLocaleString("en")} posts)`);
    const db = await server.mf.getD1Database("DB", `baseline-${ds}`);
    const withPrivate = ds === "10k";
    const result = await ensureSeeded(db, rows, { withPrivate, log });
    await registerCollections(db, { withPrivate, indexes: postIndexes });
    await resetLogs(await server.mf.getD1Database("LOGS", `edgebase-${ds}`));
    seed[ds] = { rows, ...result };
  }
  return seed;
}

/**
 * Makes sure the database holds exactly `rows` posts of the current seed version; rebuilds it otherwise.
 * @param {D1} db
 * @param {number} rows
 * @param {{ withPrivate: boolean, log: (msg: string) => void }} options
 * @returns {Promise<{ reused: boolean, ms: number }>}
 */
export async function ensureSeeded(db, rows, options) {
  const started = performance.now();
  const migrations = migrationStatements();
  // The migrations' fingerprint is part of the marker: a changed system schema means a fresh database.
  const schema = createHash("sha256").update(migrations.join("\n")).digest("hex").slice(0, 16);
  const expected = JSON.stringify({ version: SEED_VERSION, rows, withPrivate: options.withPrivate, schema });
  if ((await readMarker(db)) === expected && (await countPosts(db)) === rows) {
    await db.prepare(BASELINE_FILES).run();
    return { reused: true, ms: 0 };
  }

  await dropAll(db);
  await db.batch(migrations.map((s) => db.prepare(s)));
  const users = Math.max(1, Math.round(rows / POSTS_PER_USER));
  await db.batch([
    db.prepare("CREATE TABLE _bench_seed (value TEXT NOT NULL)"),
    db.prepare(`CREATE TABLE posts (${POST_COLUMNS})`),
    db.prepare(BASELINE_FILES),
    // Into the `users` auth collection the system migrations create. No password: sign-in goes through the
    // owner (edgebase/register.mjs), whom Edgebase itself creates, so the seed never guesses a hash format.
    db.prepare(`WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n < ${users - 1})
      INSERT INTO users (id, email, name, tokenKey, verified, created, updated)
      SELECT 'u' || printf('%014d', n), 'user' || n || '@example.com', 'User ' || n, 'bench' || printf('%045d', n), 1,
        '2023-01-01 00:00:00.000Z', '2023-01-01 00:00:00.000Z' FROM seq WHERE n != ${OWNER}`),
  ]);
  for (let first = 1; first <= rows; first += CHUNK) {
    await db.prepare(insertPosts(first, Math.min(rows, first + CHUNK - 1), users)).run();
    options.log(
      `  seeded ${Math.min(rows, first + CHUNK - 1).toLocaleString("en")} / ${rows.toLocaleString("en")}`,
    );
  }
  const extra = options.withPrivate
    ? [
        db.prepare(`CREATE TABLE ${PRIVATE_TABLE} (${POST_COLUMNS})`),
        db.prepare(`INSERT INTO ${PRIVATE_TABLE} SELECT * FROM posts`),
      ]
    : [];
  const indexes = [...postIndexes("posts"), ...(options.withPrivate ? postIndexes(PRIVATE_TABLE) : [])];
  await db.batch([...extra, ...indexes.map((s) => db.prepare(s))]);
  // ANALYZE gives the planner the statistics a long-lived production database would have.
  await db.batch([
    db.prepare("ANALYZE"),
    db.prepare("INSERT INTO _bench_seed (value) VALUES (?)").bind(expected),
  ]);
  return { reused: false, ms: performance.now() - started };
}

/**
 * Empties a dataset's LOGS database and applies migrations-logs/: request logs are scratch, never reused.
 * @param {D1} db
 */
export async function resetLogs(db) {
  await dropAll(db);
  await db.batch(migrationStatements("migrations-logs").map((s) => db.prepare(s)));
}

/** @param {D1} db */
async function readMarker(db) {
  try {
    return (await db.prepare("SELECT value FROM _bench_seed").first("value")) ?? null;
  } catch {
    return null;
  }
}

/** @param {D1} db */
async function countPosts(db) {
  return Number(await db.prepare("SELECT COUNT(*) AS n FROM posts").first("n"));
}

/**
 * Drops every table a previous seed (or Edgebase) created, leaving D1's own internal tables alone.
 * @param {D1} db
 */
async function dropAll(db) {
  const { results } = await db
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
    )
    .all();
  const drops = results.map((/** @type {Record<string, unknown>} */ r) =>
    db.prepare(`DROP TABLE IF EXISTS "${String(r.name)}"`),
  );
  if (drops.length > 0) await db.batch([db.prepare("PRAGMA defer_foreign_keys = on"), ...drops]);
}
