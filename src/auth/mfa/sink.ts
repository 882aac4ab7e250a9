/** A ChangeSink that drops a record's pending MFAs when its password changes or it is deleted. */
import type { D1Like } from "../../db/sql";
import type { Logger } from "../../observability/logger";
import type { ChangeSink } from "../../records/events";
import { revocationsOf } from "../flows/session-sink";
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
        } catch (error) {
          log?.error("clearing pending MFAs failed", {
            userId: ref.userId,
            error: error instanceof Error ? error.message : String(error),
          });
        }
      }
    },
  };
}
