/**
 * A ChangeSink that drops a record's pending MFAs when its password changes or it is deleted, and its
 * authenticator app (TOTP) when it is deleted.
 */
import type { D1Like } from "../../db/sql";
import type { Logger } from "../../observability/logger";
import type { ChangeSink } from "../../records/events";
import { revocationsOf } from "../flows/session-sink";
import { deleteTotp } from "../totp/store";
import { clearPendingMfas } from "./pending";

/**
 * Why: a pending MFA is a proven first factor; after a password change (the owner reacting to a leak) a thief's
 * password-proven `mfaId` must not stay usable. The database is reached lazily (the app is built before any request).
 */
export function mfaClearingSink(db: () => D1Like, log?: Logger): ChangeSink {
  return {
    async emit(events) {
      for (const ref of revocationsOf(events)) {
        try {
          await clearPendingMfas(db(), ref);
          const deleted = events.some(
            (e) =>
              e.action === "delete" && e.collection.id === ref.collectionId && e.record.id === ref.userId,
          );
          if (deleted) await deleteTotp(db(), { collectionId: ref.collectionId, recordId: ref.userId });
        } catch (error) {
          log?.error("clearing pending MFAs or an authenticator failed", {
            userId: ref.userId,
            error: error instanceof Error ? error.message : String(error),
          });
        }
      }
    },
  };
}
