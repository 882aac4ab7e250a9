/** Backups: consistent snapshots of the main database streamed as validated zip archives into R2, and atomic restore. */
export {
  BACKUP_FORMAT,
  BACKUP_VERSION,
  MAX_ARCHIVE_BYTES,
  type Manifest,
  openArchive,
  validateArchive,
} from "./archive";
export { writeArchive } from "./create";
export { AUTO_PREFIX, checkBackupName, defaultBackupName, isBackupKey } from "./names";
export { R2Upload } from "./r2-upload";
export { restoreArchive, swapPlan } from "./restore";
export {
  type BackupDeps,
  type BackupInfo,
  createBackup,
  deleteBackup,
  listBackups,
  readBackup,
  restoreBackup,
  SNAPSHOT_ATTEMPTS,
  scheduledBackup,
  uploadBackup,
} from "./service";
export {
  isInternal,
  readSchema,
  readSnapshot,
  type SchemaObject,
  SnapshotChangedError,
  STAGE_PREFIX,
} from "./snapshot";
export { bytesSource, r2Source } from "./zip-reader";
