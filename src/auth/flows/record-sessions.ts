/** A superuser's view of one auth record's sessions (Edgebase extension): list them, revoke one. */
import type { AuthCollection } from "../../collections/collection";
import { SUPERUSERS } from "../../collections/names";
import { badRequest, forbidden, notFound, unauthorized } from "../../lib/errors";
import { type AuthRow, readAuthRow } from "./auth-records";
import type { AuthFlowDeps } from "./deps";
import { activeSessions, revokeUserSession, type SessionListItem } from "./sessions";

/** 401 guest, 403 anyone but a superuser (owners have /api/sessions), 404/400 collection, 404 record. */
async function superuserTarget(
  deps: AuthFlowDeps,
  collectionIdOrName: string,
  recordId: string,
): Promise<{ collection: AuthCollection; row: AuthRow }> {
  if (!deps.auth) throw unauthorized();
  if (deps.auth.collectionName !== SUPERUSERS) throw forbidden("Only superusers can perform this action.");
  const { collection } = await deps.store.find(deps.db, collectionIdOrName);
  if (!collection) throw notFound("Missing collection context.");
  if (collection.type !== "auth") throw badRequest("The collection is not an auth collection.");
  const row = await readAuthRow(deps.db, collection, recordId);
  if (!row) throw notFound();
  return { collection, row };
}

/** The record's active sessions, most recently seen first (`current` is always false: not the caller's). */
export async function listRecordSessions(
  deps: AuthFlowDeps,
  collectionIdOrName: string,
  recordId: string,
): Promise<{ items: SessionListItem[] }> {
  const { collection, row } = await superuserTarget(deps, collectionIdOrName, recordId);
  const sessions = await activeSessions(deps, collection, row);
  return { items: sessions.map((s) => ({ ...s, current: false })) };
}

/** Revokes one of the record's sessions as its owner's revoke does (404 when it is not one of the record's). */
export async function revokeRecordSession(
  deps: AuthFlowDeps,
  collectionIdOrName: string,
  recordId: string,
  sessionId: string,
): Promise<void> {
  const { collection, row } = await superuserTarget(deps, collectionIdOrName, recordId);
  await revokeUserSession(deps, { collectionId: collection.id, userId: row.id, sessionId });
}
