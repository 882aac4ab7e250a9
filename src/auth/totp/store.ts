/** The `_totps` and `_totpRecoveryCodes` tables: one authenticator per record, and its hashed recovery codes. */
import type { D1Like } from "../../db/sql";

/** Which record a row belongs to. */
export interface TotpRef {
  collectionId: string;
  recordId: string;
}

/** An authenticator as stored (the secret sealed, see secret-box.ts). */
export interface TotpRow {
  secret: string;
  confirmed: number;
  lastStep: number;
}

/** Reads a record's authenticator (confirmed or pending). */
export async function readTotp(db: D1Like, ref: TotpRef): Promise<TotpRow | undefined> {
  const row = await db
    .prepare("SELECT secret, confirmed, lastStep FROM _totps WHERE collectionRef = ? AND recordRef = ?")
    .bind(ref.collectionId, ref.recordId)
    .first<TotpRow>();
  return row ?? undefined;
}

/** Stores a pending (unconfirmed) authenticator, replacing a pending one; a confirmed one is left alone. */
export async function storePendingTotp(db: D1Like, ref: TotpRef, sealed: string): Promise<boolean> {
  const result = await db
    .prepare(
      `INSERT INTO _totps (collectionRef, recordRef, secret, confirmed, lastStep) VALUES (?, ?, ?, 0, 0)
       ON CONFLICT (collectionRef, recordRef) DO UPDATE SET secret = excluded.secret, lastStep = 0
       WHERE _totps.confirmed = 0`,
    )
    .bind(ref.collectionId, ref.recordId, sealed)
    .run();
  return result.meta.changes === 1;
}

/**
 * Records that a code of `step` was used: succeeds only for a step later than every earlier one (so a code,
 * or an older one, is never accepted twice, even by concurrent requests).
 */
export async function spendStep(db: D1Like, ref: TotpRef, step: number): Promise<boolean> {
  const result = await db
    .prepare("UPDATE _totps SET lastStep = ? WHERE collectionRef = ? AND recordRef = ? AND lastStep < ?")
    .bind(step, ref.collectionId, ref.recordId, step)
    .run();
  return result.meta.changes === 1;
}

/** Confirms a pending authenticator and replaces the record's recovery codes, in one batch. */
export async function confirmTotp(db: D1Like, ref: TotpRef, recoveryHashes: string[]): Promise<void> {
  await db.batch([
    db
      .prepare("UPDATE _totps SET confirmed = 1 WHERE collectionRef = ? AND recordRef = ?")
      .bind(ref.collectionId, ref.recordId),
    db
      .prepare("DELETE FROM _totpRecoveryCodes WHERE collectionRef = ? AND recordRef = ?")
      .bind(ref.collectionId, ref.recordId),
    ...recoveryHashes.map((hash) =>
      db
        .prepare("INSERT INTO _totpRecoveryCodes (hash, collectionRef, recordRef) VALUES (?, ?, ?)")
        .bind(hash, ref.collectionId, ref.recordId),
    ),
  ]);
}

/** Spends a recovery code: true only for the one request whose delete removed it. */
export async function spendRecoveryCode(db: D1Like, ref: TotpRef, hash: string): Promise<boolean> {
  const result = await db
    .prepare("DELETE FROM _totpRecoveryCodes WHERE hash = ? AND collectionRef = ? AND recordRef = ?")
    .bind(hash, ref.collectionId, ref.recordId)
    .run();
  return result.meta.changes === 1;
}

/** How many unused recovery codes a record has. */
export async function countRecoveryCodes(db: D1Like, ref: TotpRef): Promise<number> {
  const row = await db
    .prepare("SELECT COUNT(*) AS n FROM _totpRecoveryCodes WHERE collectionRef = ? AND recordRef = ?")
    .bind(ref.collectionId, ref.recordId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/** Removes a record's authenticator and recovery codes. */
export async function deleteTotp(db: D1Like, ref: TotpRef): Promise<void> {
  await db.batch([
    db
      .prepare("DELETE FROM _totps WHERE collectionRef = ? AND recordRef = ?")
      .bind(ref.collectionId, ref.recordId),
    db
      .prepare("DELETE FROM _totpRecoveryCodes WHERE collectionRef = ? AND recordRef = ?")
      .bind(ref.collectionId, ref.recordId),
  ]);
}
