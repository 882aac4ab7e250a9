/** Backups in R2 (the BACKUPS bucket): create, list, read, upload, delete and restore, and the scheduled backup. */
import { badRequest, notFound } from "../../lib/errors";
import { formatTimestamp } from "../../lib/time";
import { decodeArchive, encodeArchive, MAX_ARCHIVE_BYTES } from "./archive";
import { AUTO_PREFIX, checkBackupName, defaultBackupName, isBackupKey } from "./names";
import { restorePlan, runRestore } from "./restore";
import { readSnapshot } from "./snapshot";

/** What the backup operations work on. */
export interface BackupDeps {
  db: D1Database;
  bucket: R2Bucket;
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
  const archive = await encodeArchive(await readSnapshot(deps.db), now);
  await deps.bucket.put(key, archive, { httpMetadata: { contentType: "application/zip" } });
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
  await decodeArchive(bytes);
  if (await bucket.head(key)) {
    throw badRequest("Failed to validate the submitted data.", {
      file: { code: "validation_backup_name_exists", message: "A backup with this name already exists." },
    });
  }
  await bucket.put(key, bytes, { httpMetadata: { contentType: "application/zip" } });
  return key;
}

/**
 * Restores a backup: the archive is read and validated first (a corrupt one is a 400 and nothing changes), then
 * the database is replaced in one all-or-nothing batch.
 */
export async function restoreBackup(deps: BackupDeps, key: string): Promise<void> {
  const object = await readBackup(deps.bucket, key);
  if (object.size > MAX_ARCHIVE_BYTES) throw badRequest("The backup is too large to restore.");
  const snapshot = await decodeArchive(new Uint8Array(await object.arrayBuffer()));
  await runRestore(deps.db, await restorePlan(deps.db, snapshot));
}

/** The scheduled backup: an `@auto_pb_backup_…` archive, then the oldest automatic ones beyond `maxKeep` go. */
export async function scheduledBackup(deps: BackupDeps, maxKeep: number, now: Date): Promise<string> {
  const key = defaultBackupName(now, AUTO_PREFIX);
  if (!(await deps.bucket.head(key))) {
    const archive = await encodeArchive(await readSnapshot(deps.db), now);
    await deps.bucket.put(key, archive, { httpMetadata: { contentType: "application/zip" } });
  }
  const autos = (await listBackups(deps.bucket)).filter((b) => b.key.startsWith(AUTO_PREFIX));
  autos.sort((a, b) => b.key.localeCompare(a.key));
  for (const old of autos.slice(Math.max(1, maxKeep))) await deps.bucket.delete(old.key);
  return key;
}
