/** The caller's own sessions: list, revoke one, log out (current) and log out everywhere. */
import type { AuthCollection } from "../../collections/collection";
import { notFound, unauthorized } from "../../lib/errors";
import { isValidId } from "../../lib/ids";
import { userSessionsStub } from "../session-routing";
import { keyFingerprint } from "../token-keys";
import type { TokenClaims } from "../tokens";
import type { SessionInfo } from "../user-sessions";
import { type AuthRow, readAuthRow } from "./auth-records";
import { type AuthFlowDeps, findAuthCollection } from "./deps";
import { notifySessionsEnded } from "./issue";

/** A session in the list, flagged when it is the one the request came with. */
export type SessionListItem = SessionInfo & { current: boolean };

function requireSession(current: TokenClaims<"auth"> | null): TokenClaims<"auth"> {
  if (!current) throw unauthorized();
  return current;
}

/** The caller's active sessions, most recently seen first. */
export async function listOwnSessions(
  deps: AuthFlowDeps,
  current: TokenClaims<"auth"> | null,
): Promise<{ items: SessionListItem[] }> {
  const me = requireSession(current);
  const collection = await findAuthCollection(deps, me.collectionId);
  const row = await readAuthRow(deps.db, collection, me.sub);
  if (!row) throw unauthorized();
  const sessions = await activeSessions(deps, collection, row);
  return { items: sessions.map((s) => ({ ...s, current: s.id === me.sid })) };
}

/** The active sessions of one auth record, most recently seen first (the owner's list and the superusers'). */
export async function activeSessions(
  deps: Pick<AuthFlowDeps, "sessions">,
  collection: AuthCollection,
  row: AuthRow,
): Promise<SessionInfo[]> {
  // The record's current keys are known here: sessions of older keys are over (listing drops them).
  const keyId = await keyFingerprint(collection.tokenSecret, String(row.tokenKey));
  return userSessionsStub(deps.sessions, collection.id, row.id).listSessions(keyId);
}

/**
 * Revokes one session of a user and de-authorizes their realtime connections; 404 when it is not an active
 * session of that user (an unknown id, or another user's). The one revoke of the owner's and the superusers' routes.
 */
export async function revokeUserSession(
  deps: AuthFlowDeps,
  ref: { collectionId: string; userId: string; sessionId: string },
): Promise<void> {
  if (!isValidId(ref.sessionId)) throw notFound();
  const revoked = await deps.checker.revokeSession(ref);
  if (!revoked) throw notFound();
  await notifySessionsEnded(deps, { collectionId: ref.collectionId, userId: ref.userId });
}

/** Revokes one of the caller's sessions (404 when it is not an active session of theirs). */
export async function revokeOwnSession(
  deps: AuthFlowDeps,
  current: TokenClaims<"auth"> | null,
  sessionId: string,
): Promise<void> {
  const me = requireSession(current);
  await revokeUserSession(deps, { collectionId: me.collectionId, userId: me.sub, sessionId });
}

/** Revokes the session the request's token belongs to. */
export async function logout(deps: AuthFlowDeps, current: TokenClaims<"auth"> | null): Promise<void> {
  const me = requireSession(current);
  await deps.checker.revokeSession({ collectionId: me.collectionId, userId: me.sub, sessionId: me.sid });
  await notifySessionsEnded(deps, { collectionId: me.collectionId, userId: me.sub });
}

/** Revokes every session of the caller, the current one included; returns how many ended. */
export async function logoutAll(deps: AuthFlowDeps, current: TokenClaims<"auth"> | null): Promise<number> {
  const me = requireSession(current);
  const count = await deps.checker.revokeAll({ collectionId: me.collectionId, userId: me.sub });
  await notifySessionsEnded(deps, { collectionId: me.collectionId, userId: me.sub });
  return count;
}
