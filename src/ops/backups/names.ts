/** Backup keys: PocketBase's rule (lower-case letters, digits, `_` and `-`, ending in `.zip`), plus `@auto_` for scheduled ones. */
import { validationError } from "../../lib/errors";

/** Prefix of backups made by the scheduled job (the only ones `cronMaxKeep` prunes). */
export const AUTO_PREFIX = "@auto_pb_backup_";

const KEY = /^@?[a-z0-9_-]{1,146}\.zip$/;

/** True for a key a backup may have. */
export function isBackupKey(key: string): boolean {
  return KEY.test(key);
}

/** A requested name, checked (400 naming `name` otherwise). */
export function checkBackupName(name: string): string {
  if (!/^[a-z0-9_-]{1,146}\.zip$/.test(name)) {
    throw validationError(
      "name",
      "validation_match_invalid",
      "Must be lower-case letters, digits, _ or -, ending in .zip.",
    );
  }
  return name;
}

/** PocketBase's default name: `pb_backup_YYYYMMDDHHMMSS.zip` (UTC). */
export function defaultBackupName(now: Date, prefix = "pb_backup_"): string {
  const stamp = now.toISOString().replace(/[-:T]/g, "").slice(0, 14);
  return `${prefix}${stamp}.zip`;
}
