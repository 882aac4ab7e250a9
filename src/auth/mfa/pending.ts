/**
 * The `_mfas` store: pending multi-factor sign-ins, each bound to a record and the method that proved the first
 * factor. A row expires after the collection's `mfa.duration` and is deleted when a second method uses it.
 */
import type { Collection } from "../../collections/collection";
import type { D1Like } from "../../db/sql";
import { newId } from "../../lib/ids";
import { formatTimestamp, parseTimestamp } from "../../lib/time";

/** A pending MFA as stored. */
export interface PendingMfa {
  id: string;
  collectionRef: string;
  recordRef: string;
  method: string;
  created: string;
}

/** Longest `mfaId` read at all (ids are 15 characters; anything longer cannot match). */
export const MAX_MFA_ID_LENGTH = 64;

/** Stores a pending MFA for a record after its first factor and returns its id. */
export async function createPendingMfa(
  db: D1Like,
  ref: { collectionId: string; recordId: string; method: string },
  now = new Date(),
): Promise<string> {
  const id = newId();
  const at = formatTimestamp(now);
  await db
    .prepare(
      "INSERT INTO _mfas (id, collectionRef, recordRef, method, created, updated) VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(id, ref.collectionId, ref.recordId, ref.method, at, at)
    .run();
  return id;
}

/** Reads a pending MFA by id (undefined when missing). */
export async function findPendingMfa(db: D1Like, id: string): Promise<PendingMfa | undefined> {
  if (id.length > MAX_MFA_ID_LENGTH) return undefined;
  const row = await db.prepare("SELECT * FROM _mfas WHERE id = ?").bind(id).first<PendingMfa>();
  return row ?? undefined;
}

/** True when `mfaId` names a pending MFA of this record whose first factor was `method` (expiry not checked). */
export async function pendingProvenBy(
  db: D1Like,
  mfaId: string,
  ref: { collectionId: string; recordId: string },
  method: string,
): Promise<boolean> {
  const pending = await findPendingMfa(db, mfaId);
  return (
    pending?.collectionRef === ref.collectionId &&
    pending.recordRef === ref.recordId &&
    pending.method === method
  );
}

/** True when the pending MFA is older than `durationSeconds` (an unreadable timestamp counts as expired). */
export function hasExpired(mfa: PendingMfa, durationSeconds: number, now = new Date()): boolean {
  const created = parseTimestamp(mfa.created);
  return !created || created.getTime() + durationSeconds * 1000 <= now.getTime();
}

/** Deletes a pending MFA; true only for the one caller whose delete removed it (single use under races). */
export async function deletePendingMfa(db: D1Like, id: string): Promise<boolean> {
  const result = await db.prepare("DELETE FROM _mfas WHERE id = ?").bind(id).run();
  return result.meta.changes === 1;
}

/** Deletes every pending MFA of a record (its password changed, or it was deleted). */
export async function clearPendingMfas(
  db: D1Like,
  ref: { collectionId: string; userId: string },
): Promise<void> {
  await db
    .prepare("DELETE FROM _mfas WHERE collectionRef = ? AND recordRef = ?")
    .bind(ref.collectionId, ref.userId)
    .run();
}

/**
 * Deletes expired pending MFAs, each auth collection by its own `mfa.duration`; rows of collections that no
 * longer exist (or are no longer auth collections) go too. Sign-in refuses expired rows anyway.
 */
export async function deleteExpiredMfas(
  db: D1Like,
  collections: readonly Collection[],
  now = new Date(),
): Promise<void> {
  const auth = collections.filter((c) => c.type === "auth");
  const statements = auth.map((c) =>
    db
      .prepare("DELETE FROM _mfas WHERE collectionRef = ? AND created <= ?")
      .bind(c.id, formatTimestamp(new Date(now.getTime() - c.mfa.duration * 1000))),
  );
  const ids = auth.map((c) => c.id);
  // D1 caps a statement at 100 parameters: with more auth collections than that, orphans simply wait.
  if (ids.length < 100) {
    const placeholders = ids.map(() => "?").join(", ");
    statements.push(
      ids.length === 0
        ? db.prepare("DELETE FROM _mfas")
        : db.prepare(`DELETE FROM _mfas WHERE collectionRef NOT IN (${placeholders})`).bind(...ids),
    );
  }
  await db.batch(statements);
}
