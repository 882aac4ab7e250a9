/** Backups in R2 (the BACKUPS bucket): create, list, read, upload, delete and restore, and the scheduled backup. */
import { badRequest, notFound } from "../../lib/errors";
import { formatTimestamp } from "../../lib/time";
import { MAX_ARCHIVE_BYTES, openArchive, validateArchive } from "./archive";
import { writeArchive } from "./create";
import { AUTO_PREFIX, checkBackupName, defaultBackupName, isBackupKey } from "./names";
import { R2Upload } from "./r2-upload";
import { restoreArchive } from "./restore";
import { SnapshotChangedError } from "./snapshot";
import { bytesSource, r2Source } from "./zip-reader";
import { ZipTooLargeError } from "./zip-writer";

/** What the backup operations work on. */
export interface BackupDeps {
  db: D1Database;
  bucket: R2Bucket;
  /** Rows per snapshot page (default: adaptive, about 2 MB of JSON a page). */
  pageRows?: number;
}

/** Attempts at a consistent snapshot before a backup gives up (each restarts after a write was seen). */
export const SNAPSHOT_ATTEMPTS = 3;

/**
 * Streams a consistent backup into `key`: a multipart upload that becomes visible only when complete. A write
 * seen during the read discards the attempt and starts over, up to {@link SNAPSHOT_ATTEMPTS} times; then a 400
 * says the database kept changing (nothing is stored).
 */
async function writeBackup(deps: BackupDeps, key: string, now: Date): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const upload = new R2Upload(deps.bucket, key, { httpMetadata: { contentType: "application/zip" } });
    try {
      await writeArchive(deps.db, upload, now, { pageRows: deps.pageRows });
      await upload.close();
      return;
    } catch (error) {
      await upload.abort();
      if (error instanceof ZipTooLargeError) throw badRequest(`${error.message} Use D1 Time Travel instead.`);
      if (!(error instanceof SnapshotChangedError)) throw error;
      if (attempt >= SNAPSHOT_ATTEMPTS) {
        throw badRequest(
          `The database changed during each of ${SNAPSHOT_ATTEMPTS} attempts at a consistent backup; try again when writes are fewer.`,
        );
      }
    }
  }
}

/** A listed backup, in PocketBase's shape. */
export interface BackupInfo {
  key: string;
  size: number;
  modified: string;
}

/** Creates a backup named `name` (default `pb_backup_<UTC stamp>.zip`); 400 when the name is taken or bad. */
export async function createBackup(deps: BackupDeps, name?: string, now = new Date()): Promise<string> {
  const key = name === undefined || name === "" ? defaultBackupName(now) : checkBackupName(name);
  if (await deps.bucket.head(key)) {
    throw badRequest("Failed to validate the submitted data.", {
      name: { code: "validation_backup_name_exists", message: "A backup with this name already exists." },
    });
  }
  await writeBackup(deps, key, now);
  return key;
}

/** Every backup, newest first. */
export async function listBackups(bucket: R2Bucket): Promise<BackupInfo[]> {
  const out: BackupInfo[] = [];
  let cursor: string | undefined;
  do {
    const page = await bucket.list({ cursor, limit: 1000 });
    for (const o of page.objects) {
      if (isBackupKey(o.key)) out.push({ key: o.key, size: o.size, modified: formatTimestamp(o.uploaded) });
    }
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return out.sort((a, b) => b.modified.localeCompare(a.modified) || a.key.localeCompare(b.key));
}

function checkKey(key: string): string {
  if (!isBackupKey(key)) throw notFound();
  return key;
}

/** The stored archive (404 when absent). */
export async function readBackup(bucket: R2Bucket, key: string): Promise<R2ObjectBody> {
  const object = await bucket.get(checkKey(key));
  if (!object) throw notFound();
  return object;
}

/** Deletes a backup (404 when absent). */
export async function deleteBackup(bucket: R2Bucket, key: string): Promise<void> {
  if (!(await bucket.head(checkKey(key)))) throw notFound();
  await bucket.delete(key);
}

/** Stores an uploaded archive after validating it fully (only restorable archives are kept). */
export async function uploadBackup(bucket: R2Bucket, name: string, bytes: Uint8Array): Promise<string> {
  const key = checkBackupName(name);
  if (bytes.byteLength > MAX_ARCHIVE_BYTES) throw badRequest("The backup is too large.");
  await validateArchive(bytesSource(bytes));
  if (await bucket.head(key)) {
    throw badRequest("Failed to validate the submitted data.", {
      file: { code: "validation_backup_name_exists", message: "A backup with this name already exists." },
    });
  }
  await bucket.put(key, bytes, { httpMetadata: { contentType: "application/zip" } });
  return key;
}

/**
 * Restores a backup, streamed from R2 by ranged reads: the manifest is validated first, each data file as it is
 * staged (a corrupt archive is a 400 and the live data is untouched), then one all-or-nothing batch swaps.
 */
export async function restoreBackup(deps: BackupDeps, key: string): Promise<void> {
  const object = await deps.bucket.head(checkKey(key));
  if (!object) throw notFound();
  await restoreArchive(deps.db, await openArchive(r2Source(deps.bucket, object.key, object.size)));
}

/** The scheduled backup: an `@auto_pb_backup_…` archive, then the oldest automatic ones beyond `maxKeep` go. */
export async function scheduledBackup(deps: BackupDeps, maxKeep: number, now: Date): Promise<string> {
  const key = defaultBackupName(now, AUTO_PREFIX);
  if (!(await deps.bucket.head(key))) await writeBackup(deps, key, now);
  const autos = (await listBackups(deps.bucket)).filter((b) => b.key.startsWith(AUTO_PREFIX));
  autos.sort((a, b) => b.key.localeCompare(a.key));
  for (const old of autos.slice(Math.max(1, maxKeep))) await deps.bucket.delete(old.key);
  return key;
}
