/** A ChangeSink that ends a user's sessions when records say so: an auth record deleted or its password changed. */

import type { Logger } from "../../observability/logger";
import type { ChangeEvent, ChangeSink } from "../../records/events";
import type { SessionChecker } from "../session-check";

/** What the sink needs; bindings are reached lazily (the app is built before any request). */
export interface SessionRevocationOptions {
  checker: () => SessionChecker;
  /** Realtime de-authorization of the user. */
  onSessionsEnded?: (ref: { collectionId: string; userId: string }) => Promise<unknown>;
  log?: Logger;
}

/** The users whose sessions must end because of these events (deduplicated). */
export function revocationsOf(events: readonly ChangeEvent[]): { collectionId: string; userId: string }[] {
  const out = new Map<string, { collectionId: string; userId: string }>();
  for (const event of events) {
    if (event.collection.type !== "auth") continue;
    const ends = event.action === "delete" || (event.action === "update" && event.passwordChanged === true);
    const userId = event.record.id;
    if (!ends || typeof userId !== "string") continue;
    out.set(`${event.collection.id}/${userId}`, { collectionId: event.collection.id, userId });
  }
  return [...out.values()];
}

/**
 * Revokes every session (refresh tokens included) of deleted users and of users whose password changed, and
 * de-authorizes their realtime connections. Their access tokens already fail (tokenKey replaced or record gone:
 * at once in this isolate, within the record memo's bound elsewhere, auth/recent-auth-rows.ts); this ends what
 * the tokenKey does not cover. Runs after the commit, like every change sink.
 */
export function sessionRevocationSink(options: SessionRevocationOptions): ChangeSink {
  return {
    async emit(events) {
      for (const ref of revocationsOf(events)) {
        try {
          await options.checker().revokeAll(ref);
          await options.onSessionsEnded?.(ref);
        } catch (error) {
          options.log?.error("ending sessions failed", {
            userId: ref.userId,
            error: error instanceof Error ? error.message : String(error),
          });
        }
      }
    },
  };
}
