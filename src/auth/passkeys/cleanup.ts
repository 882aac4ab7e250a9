/** Forgets a deleted auth record's passkeys and known sign-in origins (they reference it by id, without a foreign key). */
import type { D1Like } from "../../db/sql";
import type { Logger } from "../../observability/logger";
import type { ChangeSink } from "../../records/events";

/** Tables holding per-record auth state keyed by (collectionRef, recordRef). */
const PER_RECORD_TABLES = ["_passkeys", "_authOrigins"] as const;
/** Statements per D1 batch. */
const BATCH_SIZE = 50;

/** A ChangeSink deleting those rows after an auth record is deleted (the binding is reached per event). */
export function authRecordCleanupSink(db: () => D1Like, log?: Logger): ChangeSink {
  return {
    async emit(events) {
      const gone = events.filter(
        (e) => e.collection.type === "auth" && e.action === "delete" && typeof e.record.id === "string",
      );
      if (gone.length === 0) return;
      const d1 = db();
      const statements = gone.flatMap((e) =>
        PER_RECORD_TABLES.map((table) =>
          d1
            .prepare(`DELETE FROM ${table} WHERE collectionRef = ? AND recordRef = ?`)
            .bind(e.collection.id, e.record.id),
        ),
      );
      try {
        for (let i = 0; i < statements.length; i += BATCH_SIZE) {
          await d1.batch(statements.slice(i, i + BATCH_SIZE));
        }
      } catch (error) {
        log?.error("forgetting deleted users' passkeys failed", {
          error: error instanceof Error ? error.message : String(error),
        });
      }
    },
  };
}
