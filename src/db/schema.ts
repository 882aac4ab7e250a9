/** drizzle schema of Edgebase's SYSTEM tables; user collections are real tables managed by collections/. */
import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

const timestamps = {
  created: text("created").notNull().default(sql`(strftime('%Y-%m-%d %H:%M:%fZ', 'now'))`),
  updated: text("updated").notNull().default(sql`(strftime('%Y-%m-%d %H:%M:%fZ', 'now'))`),
};

/** Collection definitions: one row per collection, the source of truth for its table's schema and rules. */
export const collections = sqliteTable(
  "_collections",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    type: text("type", { enum: ["base", "auth", "view"] })
      .notNull()
      .default("base"),
    system: integer("system", { mode: "boolean" }).notNull().default(false),
    /** Field definitions as a JSON array (PocketBase v0.23+ shape). */
    fields: text("fields", { mode: "json" }).notNull().default(sql`'[]'`),
    /** Index definitions as a JSON array of `CREATE INDEX` strings. */
    indexes: text("indexes", { mode: "json" }).notNull().default(sql`'[]'`),
    listRule: text("listRule"),
    viewRule: text("viewRule"),
    createRule: text("createRule"),
    updateRule: text("updateRule"),
    deleteRule: text("deleteRule"),
    /** Type-specific options (auth settings, view query) as a JSON object. */
    options: text("options", { mode: "json" }).notNull().default(sql`'{}'`),
    ...timestamps,
  },
  // Names are unique case-insensitively, as PocketBase requires ("Posts" and "posts" cannot coexist).
  (t) => [uniqueIndex("idx__collections_name").on(sql`lower(${t.name})`)],
);

/** Key-value settings and generated secrets (JSON values). */
export const params = sqliteTable("_params", {
  key: text("key").primaryKey(),
  value: text("value", { mode: "json" }),
  ...timestamps,
});

/**
 * One-time sign-in codes (auth-with-otp): only a keyed hash of the code is stored, with its expiry (ms since the
 * epoch) and failed attempts; a row is deleted when used, after too many failures, or once expired.
 */
export const otps = sqliteTable(
  "_otps",
  {
    id: text("id").primaryKey(),
    collectionRef: text("collectionRef").notNull(),
    recordRef: text("recordRef").notNull(),
    /** HMAC of the code keyed with the collection secret (auth/otp.ts), never the code. */
    hash: text("hash").notNull(),
    /** The address the code was emailed to (proves it, so a successful use marks the record verified). */
    sentTo: text("sentTo").notNull().default(""),
    attempts: integer("attempts").notNull().default(0),
    expires: integer("expires").notNull(),
    ...timestamps,
  },
  (t) => [
    index("idx__otps_record").on(t.collectionRef, t.recordRef),
    index("idx__otps_expires").on(t.expires),
  ],
);

/**
 * Tracked file deletions (storage/deletions.ts): an R2 object key (with its thumbs) or, when `prefix` is set, a
 * key prefix, still to delete; only objects uploaded before `before` (ms since the epoch) are. Rows are retried
 * by the files cron until their deletion succeeds.
 */
export const fileDeletions = sqliteTable(
  "_fileDeletions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    target: text("target").notNull(),
    prefix: integer("prefix", { mode: "boolean" }).notNull().default(false),
    before: integer("before").notNull(),
    /** Where listing a prefix resumes (R2's cursor) when an earlier run stopped at its budget. */
    cursor: text("cursor").notNull().default(""),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("lastError").notNull().default(""),
    created: timestamps.created,
  },
  (t) => [index("idx__fileDeletions_attempts").on(t.attempts, t.id)],
);
