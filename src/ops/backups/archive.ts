/**
 * The backup archive: one zip holding `manifest.json` (format, version, creation time, the schema, and per table
 * its columns, row count and the SHA-256 of its data file) and `data/<n>.json` per table. Decoding validates
 * everything (format, version, checksums, row shapes, schema SQL) before a restore may touch the database.
 */
import { unzipSync, zipSync } from "fflate";
import { z } from "zod";
import { badRequest } from "../../lib/errors";
import { isInternal, type Snapshot } from "./snapshot";

/** Identifies Edgebase backups. */
export const BACKUP_FORMAT = "edgebase-backup";
/** The archive layout version this code writes and reads. */
export const BACKUP_VERSION = 1;
/** Largest archive accepted (compressed) and largest total of its files (uncompressed). */
export const MAX_ARCHIVE_BYTES = 100 * 1024 * 1024;
export const MAX_UNPACKED_BYTES = 500 * 1024 * 1024;
/** Tables a backup of an Edgebase database must hold. */
const REQUIRED_TABLES = ["_collections", "_params", "_superusers"];

const NAME = z
  .string()
  .min(1)
  .max(200)
  .refine((n) => !isInternal(n), "Internal names are not restored.");
const manifestSchema = z.strictObject({
  format: z.literal(BACKUP_FORMAT),
  version: z.literal(BACKUP_VERSION),
  created: z.string().max(40),
  schema: z
    .array(
      z.strictObject({
        type: z.enum(["table", "index", "view", "trigger"]),
        name: NAME,
        table: NAME,
        sql: z.string().min(1).max(100_000),
      }),
    )
    .max(10_000),
  tables: z
    .array(
      z.strictObject({
        name: NAME,
        file: z.string().regex(/^data\/\d{1,6}\.json$/),
        columns: z.array(z.string().min(1).max(200)).max(2000),
        rows: z.number().int().min(0),
        sha256: z.string().regex(/^[0-9a-f]{64}$/),
      }),
    )
    .max(10_000),
});

/** A validated archive's manifest. */
export type Manifest = z.output<typeof manifestSchema>;

async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Encodes a snapshot as a zip archive. */
export async function encodeArchive(snapshot: Snapshot, now = new Date()): Promise<Uint8Array> {
  const encoder = new TextEncoder();
  const files: Record<string, Uint8Array> = {};
  const tables: Manifest["tables"] = [];
  for (const [i, t] of snapshot.tables.entries()) {
    const file = `data/${i}.json`;
    const bytes = encoder.encode(JSON.stringify(t.rows));
    files[file] = bytes;
    tables.push({ name: t.name, file, columns: t.columns, rows: t.rows.length, sha256: await sha256(bytes) });
  }
  const manifest: Manifest = {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    created: now.toISOString(),
    schema: snapshot.schema,
    tables,
  };
  files["manifest.json"] = encoder.encode(JSON.stringify(manifest));
  return zipSync(files, { level: 6 });
}

function refuse(reason: string): never {
  throw badRequest(`Invalid backup: ${reason}.`, {
    file: { code: "validation_invalid_backup", message: reason },
  });
}

const CREATE = {
  table: /^CREATE TABLE\s/i,
  index: /^CREATE (UNIQUE )?INDEX\s/i,
  view: /^CREATE VIEW\s/i,
  trigger: /^CREATE TRIGGER\s/i,
} as const;

/**
 * Decodes and validates an archive: zip structure and sizes, manifest format and version, each data file's
 * checksum and row shape, the schema's SQL kinds and the presence of Edgebase's system tables. Any problem is
 * a 400 before anything is changed.
 */
export async function decodeArchive(bytes: Uint8Array): Promise<Snapshot & { manifest: Manifest }> {
  if (bytes.byteLength > MAX_ARCHIVE_BYTES) refuse("the archive is too large");
  let unpacked = 0;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter: (f) => {
        unpacked += f.originalSize;
        if (unpacked > MAX_UNPACKED_BYTES) throw new Error("too large unpacked");
        return f.name === "manifest.json" || /^data\/\d{1,6}\.json$/.test(f.name);
      },
    });
  } catch {
    return refuse("not a readable zip archive");
  }
  const manifestBytes = files["manifest.json"];
  if (!manifestBytes) refuse("manifest.json is missing");
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder().decode(manifestBytes));
  } catch {
    return refuse("manifest.json is not JSON");
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const v = (raw as { version?: unknown } | null)?.version;
    refuse(
      v !== undefined && v !== BACKUP_VERSION
        ? `unsupported version ${String(v)}`
        : "the manifest is malformed",
    );
  }
  const manifest = parsed.data;
  for (const o of manifest.schema) {
    if (!CREATE[o.type].test(o.sql.trimStart()))
      refuse(`schema entry ${o.name} is not a CREATE ${o.type.toUpperCase()}`);
  }
  const tableNames = new Set(manifest.schema.filter((o) => o.type === "table").map((o) => o.name));
  for (const name of REQUIRED_TABLES) if (!tableNames.has(name)) refuse(`table ${name} is missing`);
  const tables: Snapshot["tables"] = [];
  for (const t of manifest.tables) {
    if (!tableNames.has(t.name)) refuse(`data for unknown table ${t.name}`);
    const data = files[t.file];
    if (!data) refuse(`${t.file} is missing`);
    if ((await sha256(data)) !== t.sha256) refuse(`checksum mismatch in ${t.file}`);
    let rows: unknown;
    try {
      rows = JSON.parse(new TextDecoder().decode(data));
    } catch {
      return refuse(`${t.file} is not JSON`);
    }
    if (!Array.isArray(rows) || rows.length !== t.rows) refuse(`${t.file} does not hold ${t.rows} rows`);
    if (!rows.every((r) => Array.isArray(r) && r.length === t.columns.length))
      refuse(`${t.file} has a malformed row`);
    tables.push({ name: t.name, columns: t.columns, rows: rows as unknown[][] });
  }
  return { manifest, schema: manifest.schema, tables };
}
