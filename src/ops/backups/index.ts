/** Backups: consistent snapshots of the main database as validated zip archives in R2, and atomic restore. */
export { BACKUP_FORMAT, BACKUP_VERSION, decodeArchive, encodeArchive, MAX_ARCHIVE_BYTES } from "./archive";
export { AUTO_PREFIX, checkBackupName, defaultBackupName, isBackupKey } from "./names";
export { insertStatements, restorePlan, runRestore, sqlLiteral } from "./restore";
export {
  type BackupDeps,
  type BackupInfo,
  createBackup,
  deleteBackup,
  listBackups,
  readBackup,
  restoreBackup,
  scheduledBackup,
  uploadBackup,
} from "./service";
export { isInternal, MAX_SNAPSHOT_ROWS, readSchema, readSnapshot, type Snapshot } from "./snapshot";
