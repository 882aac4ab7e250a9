/** The schema version in `_params`: the guard and the bump every schema-changing batch starts and ends with. */
import type { D1Like } from "../db/sql";

/** The `_params` key holding the schema version (a random token replaced by every schema change). */
export const SCHEMA_VERSION_KEY = "schemaVersion";

/**
 * A batch's first statement: it fails with a UNIQUE violation on `_params.key` when the version moved since
 * `version` was read, which aborts the whole batch (a silent no-op would let the rest commit).
 */
export function versionGuard(db: D1Like, version: string): D1PreparedStatement {
  return db
    .prepare(
      "INSERT INTO _params (key, value) SELECT ?1, 'conflict' WHERE (SELECT value FROM _params WHERE key = ?1) IS NOT ?2",
    )
    .bind(SCHEMA_VERSION_KEY, version === "" ? null : version);
}

/** A batch's last statement: installs `next` (a JSON-quoted token) as the new version. */
export function versionBump(db: D1Like, next: string): D1PreparedStatement {
  return db
    .prepare(
      "INSERT INTO _params (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated = strftime('%Y-%m-%d %H:%M:%fZ', 'now')",
    )
    .bind(SCHEMA_VERSION_KEY, next);
}

/** Whether a failed batch's error is {@link versionGuard}'s: another schema change committed first. */
export function isVersionConflict(err: unknown): boolean {
  return (err instanceof Error ? err.message : String(err)).includes("_params.key");
}
