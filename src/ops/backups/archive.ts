/**
 * The backup archive format and its validation. A backup is one zip: `data/<n>.ndjson` per table (one JSON
 * array of values per line, BLOBs as `{$blob: base64}`) and, last, `manifest.json` (format, version, creation
 * time, the schema, and per table its columns, row count and the SHA-256 of
 * its data file). Version 1 archives (one JSON array per table) are still read. Reading is streamed: the
 * manifest is validated before any data is read, and each data file is checked (checksum, row count, row
 * shapes) as its rows are handed on, a bounded page at a time.
 */
import { z } from "zod";
import { badRequest } from "../../lib/errors";
import { isInternal } from "./snapshot";
import {
  type ByteSource,
  forEachLine,
  openEntry,
  readDirectory,
  readEntry,
  type ZipEntry,
  ZipFormatError,
} from "./zip-reader";

/** Identifies Edgebase backups. */
export const BACKUP_FORMAT = "edgebase-backup";
/** The archive layout version this code writes (it reads 1 and 2). */
export const BACKUP_VERSION = 2;
/** Largest archive accepted by upload (the request body is held in memory). */
export const MAX_ARCHIVE_BYTES = 100 * 1024 * 1024;
/** Largest manifest, and largest data file of a version 1 archive (read at once). */
const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;
const MAX_V1_DATA_BYTES = 64 * 1024 * 1024;
/** Longest row line (D1 caps a row at 2 MB; base64 and JSON escaping add to it). */
const MAX_LINE_CHARS = 8 * 1024 * 1024;
/** Tables a backup of an Edgebase database must hold. */
const REQUIRED_TABLES = ["_collections", "_params", "_superusers"];

const NAME = z
  .string()
  .min(1)
  .max(200)
  .refine((n) => !isInternal(n), "Internal names are not restored.");
const manifestSchema = z.strictObject({
  format: z.literal(BACKUP_FORMAT),
  version: z.union([z.literal(1), z.literal(BACKUP_VERSION)]),
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
        file: z.string().regex(/^data\/\d{1,6}\.(json|ndjson)$/),
        columns: z.array(z.string().min(1).max(200)).max(2000),
        rows: z.number().int().min(0),
        sha256: z.string().regex(/^[0-9a-f]{64}$/),
      }),
    )
    .max(10_000),
});

/** A validated archive's manifest. */
export type Manifest = z.output<typeof manifestSchema>;
/** One table's entry in the manifest. */
export type ManifestTable = Manifest["tables"][number];

/** The 400 every invalid archive gets. */
export function refuse(reason: string): never {
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

/** An archive opened for reading: its validated manifest and its entries. */
export interface OpenArchive {
  source: ByteSource;
  manifest: Manifest;
  entries: Map<string, ZipEntry>;
}

/** Checks the parts of a manifest that need no data: kinds of schema SQL, system tables, file names. */
function checkManifest(manifest: Manifest, entries: Map<string, ZipEntry>): void {
  for (const o of manifest.schema) {
    if (!CREATE[o.type].test(o.sql.trimStart()))
      refuse(`schema entry ${o.name} is not a CREATE ${o.type.toUpperCase()}`);
  }
  const tableNames = new Set(manifest.schema.filter((o) => o.type === "table").map((o) => o.name));
  for (const name of REQUIRED_TABLES) if (!tableNames.has(name)) refuse(`table ${name} is missing`);
  const extension = manifest.version === 1 ? ".json" : ".ndjson";
  const seen = new Set<string>();
  for (const t of manifest.tables) {
    if (!tableNames.has(t.name)) refuse(`data for unknown table ${t.name}`);
    if (seen.has(t.name)) refuse(`data for ${t.name} twice`);
    seen.add(t.name);
    if (!t.file.endsWith(extension)) refuse(`${t.file} is not a version ${manifest.version} data file`);
    if (!entries.has(t.file)) refuse(`${t.file} is missing`);
  }
}

/**
 * Opens an archive: zip directory, then the manifest (format, version, schema SQL kinds, system tables, data
 * files present). A problem is a 400 before any data is read.
 */
export async function openArchive(source: ByteSource): Promise<OpenArchive> {
  let entries: Map<string, ZipEntry>;
  try {
    entries = await readDirectory(source);
  } catch (error) {
    if (!(error instanceof ZipFormatError)) throw error;
    return refuse("not a readable zip archive");
  }
  const entry = entries.get("manifest.json");
  if (!entry) refuse("manifest.json is missing");
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(
      await readEntry(source, entry, MAX_MANIFEST_BYTES),
    );
  } catch (error) {
    // A corrupt deflate stream or invalid UTF-8 surfaces as a TypeError.
    if (error instanceof ZipFormatError || error instanceof TypeError) refuse("manifest.json is unreadable");
    throw error;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return refuse("manifest.json is not JSON");
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const v = (raw as { version?: unknown } | null)?.version;
    refuse(
      v !== 1 && v !== BACKUP_VERSION ? `unsupported version ${String(v)}` : "the manifest is malformed",
    );
  }
  checkManifest(parsed.data, entries);
  return { source, manifest: parsed.data, entries };
}

/** A BLOB in a row (as the snapshot encodes it). */
export interface BlobValue {
  $blob: string;
}

function checkRow(table: ManifestTable, row: unknown): unknown[] {
  if (!Array.isArray(row) || row.length !== table.columns.length) refuse(`${table.file} has a malformed row`);
  for (const v of row) {
    if (v !== null && typeof v === "object" && typeof (v as Partial<BlobValue>).$blob !== "string")
      refuse(`${table.file} has a malformed value`);
  }
  return row;
}

/** Bytes as lower-case hex (SHA-256 digests in the manifest). */
export function toHex(bytes: ArrayBuffer): string {
  return [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Streams one table's rows in pages of about `pageBytes` of JSON: each row is checked (shape and values) and
 * handed on with its JSON text. After the last page, the file's checksum and row count are checked; a mismatch
 * is a 400 (so the consumer must not have changed anything the caller cannot drop).
 */
export async function forEachRowPage(
  archive: OpenArchive,
  table: ManifestTable,
  pageBytes: number,
  onPage: (rows: { values: unknown[]; json: string }[]) => Promise<void>,
): Promise<void> {
  const entry = archive.entries.get(table.file);
  if (!entry) return refuse(`${table.file} is missing`);
  const digest = new crypto.DigestStream("SHA-256");
  const hashing = digest.getWriter();
  let page: { values: unknown[]; json: string }[] = [];
  let size = 0;
  let count = 0;
  const take = async (values: unknown, json: string) => {
    page.push({ values: checkRow(table, values), json });
    count++;
    if (count > table.rows) refuse(`${table.file} does not hold ${table.rows} rows`);
    size += json.length;
    if (size >= pageBytes) {
      const full = page;
      page = [];
      size = 0;
      await onPage(full);
    }
  };
  try {
    if (archive.manifest.version === 1) {
      const bytes = await readEntry(archive.source, entry, MAX_V1_DATA_BYTES);
      await hashing.write(bytes);
      const rows: unknown = JSON.parse(new TextDecoder().decode(bytes));
      if (!Array.isArray(rows)) refuse(`${table.file} is not an array`);
      for (const row of rows) await take(row, JSON.stringify(row));
    } else {
      await forEachLine(
        await openEntry(archive.source, entry),
        MAX_LINE_CHARS,
        (chunk) => hashing.write(chunk),
        (line) => take(JSON.parse(line), line),
      );
    }
  } catch (error) {
    if (error instanceof ZipFormatError || error instanceof TypeError) refuse(`${table.file} is unreadable`);
    if (error instanceof SyntaxError) refuse(`${table.file} is not JSON`);
    throw error;
  }
  await hashing.close();
  if (toHex(await digest.digest) !== table.sha256) refuse(`checksum mismatch in ${table.file}`);
  if (count !== table.rows) refuse(`${table.file} does not hold ${table.rows} rows`);
  if (page.length > 0) await onPage(page);
}

/**
 * Validates a whole archive without using it (upload): the manifest, then every data file's checksum, row
 * count and row shapes, streamed.
 */
export async function validateArchive(source: ByteSource): Promise<Manifest> {
  const archive = await openArchive(source);
  for (const t of archive.manifest.tables) await forEachRowPage(archive, t, 1024 * 1024, async () => {});
  return archive.manifest;
}
