/** `_passkeys` (registered credentials) and `_passkeyChallenges` (single-use, expiring challenges) in D1. */
import type { D1Like } from "../../db/sql";
import { newId } from "../../lib/ids";

/** How long a challenge may be answered (ms). */
export const CHALLENGE_TTL_MS = 5 * 60_000;
/** Passkeys one user may register. */
export const MAX_PASSKEYS_PER_USER = 20;

/** What a challenge was issued for. */
export type ChallengeKind = "register" | "signIn";

/** A stored passkey. */
export interface PasskeyRow {
  id: string;
  collectionRef: string;
  recordRef: string;
  name: string;
  /** base64url credential id. */
  credentialId: string;
  /** base64url COSE public key. */
  publicKey: string;
  counter: number;
  /** JSON array of transport hints. */
  transports: string;
  lastUsed: string;
  created: string;
  updated: string;
}

/** The public view of a passkey (no key material). */
export interface PasskeyJson {
  id: string;
  name: string;
  credentialId: string;
  transports: string[];
  lastUsed: string;
  created: string;
  updated: string;
}

/** Renders a stored passkey for its owner. */
export function passkeyJson(row: PasskeyRow): PasskeyJson {
  let transports: string[] = [];
  try {
    transports = JSON.parse(row.transports) as string[];
  } catch {
    transports = [];
  }
  return {
    id: row.id,
    name: row.name,
    credentialId: row.credentialId,
    transports,
    lastUsed: row.lastUsed,
    created: row.created,
    updated: row.updated,
  };
}

/** Stores a challenge (expired ones of every user are swept in the same batch). */
export async function storeChallenge(
  db: D1Like,
  ref: { collectionId: string; recordId: string; kind: ChallengeKind; challenge: string },
): Promise<void> {
  const now = Date.now();
  await db.batch([
    db.prepare("DELETE FROM _passkeyChallenges WHERE expires <= ?").bind(now),
    db
      .prepare(
        "INSERT INTO _passkeyChallenges (id, collectionRef, recordRef, kind, challenge, expires) VALUES (?, ?, ?, ?, ?, ?)",
      )
      .bind(newId(), ref.collectionId, ref.recordId, ref.kind, ref.challenge, now + CHALLENGE_TTL_MS),
  ]);
}

/**
 * Takes a challenge out: deleted whatever happens next, so it answers once. Returns the record it was bound to
 * ("" for a discoverable sign-in), or undefined when unknown, of another kind or collection, or expired.
 */
export async function consumeChallenge(
  db: D1Like,
  collectionId: string,
  kind: ChallengeKind,
  challenge: string,
): Promise<{ recordId: string } | undefined> {
  const row = await db
    .prepare(
      "DELETE FROM _passkeyChallenges WHERE challenge = ? AND collectionRef = ? AND kind = ? RETURNING recordRef, expires",
    )
    .bind(challenge, collectionId, kind)
    .first<{ recordRef: string; expires: number }>();
  if (!row || row.expires <= Date.now()) return undefined;
  return { recordId: row.recordRef };
}

/** The passkeys of one user, oldest first. */
export async function listPasskeyRows(
  db: D1Like,
  collectionId: string,
  recordId: string,
): Promise<PasskeyRow[]> {
  const { results } = await db
    .prepare("SELECT * FROM _passkeys WHERE collectionRef = ? AND recordRef = ? ORDER BY created, id")
    .bind(collectionId, recordId)
    .all<PasskeyRow>();
  return results;
}

/** The passkey with a credential id in a collection. */
export async function findByCredentialId(
  db: D1Like,
  collectionId: string,
  credentialId: string,
): Promise<PasskeyRow | undefined> {
  const row = await db
    .prepare("SELECT * FROM _passkeys WHERE collectionRef = ? AND credentialId = ?")
    .bind(collectionId, credentialId)
    .first<PasskeyRow>();
  return row ?? undefined;
}
