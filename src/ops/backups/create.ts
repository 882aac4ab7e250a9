/**
 * Making a backup archive: the snapshot reader's pages become NDJSON lines of the table's zip entry as they
 * arrive (hashed on the way for the manifest), and the manifest closes the archive. Nothing but the current
 * page and the writer's buffers is in memory.
 */
import { BACKUP_FORMAT, BACKUP_VERSION, type Manifest, type ManifestTable, toHex } from "./archive";
import { readSnapshot } from "./snapshot";
import { type ZipSink, ZipWriter } from "./zip-writer";

interface OpenTable {
  meta: Omit<ManifestTable, "sha256">;
  digest: DigestStream;
  hashing: WritableStreamDefaultWriter<ArrayBuffer | ArrayBufferView>;
}

/**
 * Writes a backup of `db` to `sink`. Throws {@link SnapshotChangedError} (from the reader) when a write landed
 * during the read: the caller discards what the sink received and may try again.
 */
export async function writeArchive(
  db: D1Database,
  sink: ZipSink,
  now: Date,
  options: { pageRows?: number } = {},
): Promise<Manifest> {
  const zip = new ZipWriter(sink);
  const encoder = new TextEncoder();
  const tables: ManifestTable[] = [];
  let open: OpenTable | null = null;
  const close = async () => {
    if (!open) return;
    await zip.end();
    await open.hashing.close();
    tables.push({ ...open.meta, sha256: toHex(await open.digest.digest) });
    open = null;
  };
  const { schema } = await readSnapshot(
    db,
    {
      async table(name, columns) {
        await close();
        const file = `data/${tables.length}.ndjson`;
        await zip.begin(file);
        const digest = new crypto.DigestStream("SHA-256");
        open = { meta: { name, file, columns, rows: 0 }, digest, hashing: digest.getWriter() };
      },
      async rows(rows) {
        const table = open as OpenTable | null;
        if (!table) throw new Error("rows before a table");
        let text = "";
        for (const row of rows) text += `${JSON.stringify(row)}\n`;
        const bytes = encoder.encode(text);
        table.meta.rows += rows.length;
        await table.hashing.write(bytes);
        await zip.write(bytes);
        return bytes.byteLength;
      },
    },
    options,
  );
  await close();
  const manifest: Manifest = {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    created: now.toISOString(),
    schema,
    tables,
  };
  await zip.add("manifest.json", encoder.encode(JSON.stringify(manifest)));
  await zip.finish();
  return manifest;
}
