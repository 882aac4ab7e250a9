/** Simulated time for sessions: moves a user's sessions into the past in their object's own storage (no sleeps). */
import { runInDurableObject } from "cloudflare:test";
import type { UserSessions } from "../../../src/auth/user-sessions";

/** Days in ms. */
export const DAY_MS = 86_400_000;

/** Ages every session of the object by `ms`, as if that much time had passed since each was last written. */
export function travel(stub: DurableObjectStub<UserSessions>, ms: number): Promise<void> {
  return runInDurableObject(stub, (_instance, state) => {
    state.storage.sql.exec(
      `UPDATE sessions SET created = created - ?1, last_seen = last_seen - ?1, expires = expires - ?1,
         max_expires = max_expires - ?1`,
      ms,
    );
  });
}

/** One session's stored lifetime columns (ms since the epoch; ttl in seconds). */
export interface StoredLifetime {
  created: number;
  last_seen: number;
  expires: number;
  max_expires: number;
  ttl_seconds: number;
}

/** Reads a session's lifetime columns straight from the object's storage. */
export function storedLifetime(
  stub: DurableObjectStub<UserSessions>,
  sessionId: string,
): Promise<StoredLifetime> {
  return runInDurableObject(stub, (_instance, state) =>
    state.storage.sql
      .exec<{
        created: number;
        last_seen: number;
        expires: number;
        max_expires: number;
        ttl_seconds: number;
      }>("SELECT created, last_seen, expires, max_expires, ttl_seconds FROM sessions WHERE id = ?", sessionId)
      .one(),
  );
}
