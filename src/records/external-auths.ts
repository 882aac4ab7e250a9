/**
 * `_externalAuths` integrity inside records writes: unlinking a provider must leave its account a way to sign
 * in, and deleting an auth record removes its links. Both are statements of the delete's own D1 batch.
 */
import type { Collection } from "../collections/collection";
import type { SchemaSnapshot } from "../collections/store";
import { type D1Like, quoteIdent } from "../db/sql";
import { badRequest } from "../lib/errors";

/** The system collection linking provider identities to auth records (PocketBase's name). */
export const EXTERNAL_AUTHS = "_externalAuths";

const LAST_SIGN_IN = "edgebase_last_sign_in";

/**
 * Statements to append to the delete of `row` from `collection`: for an `_externalAuths` row, a check that
 * fails the batch when its account has no password and no other link left; for an auth record, the removal of
 * its links. Empty when neither applies (or `_externalAuths` does not exist in `snapshot`).
 */
export function externalAuthDeleteStatements(
  db: D1Like,
  snapshot: SchemaSnapshot,
  collection: Collection,
  row: Record<string, unknown>,
): D1PreparedStatement[] {
  if (!snapshot.find(EXTERNAL_AUTHS)) return [];
  const table = quoteIdent(EXTERNAL_AUTHS);
  if (collection.name === EXTERNAL_AUTHS) {
    const owner = snapshot.find(String(row.collectionRef ?? ""));
    if (owner?.type !== "auth") return [];
    return [
      db
        .prepare(
          `SELECT CASE WHEN EXISTS (SELECT 1 FROM ${quoteIdent(owner.name)} WHERE id = ? AND password = '')
             AND NOT EXISTS (SELECT 1 FROM ${table} WHERE collectionRef = ? AND recordRef = ?)
           THEN json_extract('{}', '${LAST_SIGN_IN}') ELSE 1 END AS ok`,
        )
        .bind(row.recordRef, owner.id, row.recordRef),
    ];
  }
  if (collection.type !== "auth") return [];
  return [
    db.prepare(`DELETE FROM ${table} WHERE collectionRef = ? AND recordRef = ?`).bind(collection.id, row.id),
  ];
}

/** The 400 for a batch aborted by the last-sign-in check, or undefined when `err` is something else. */
export function lastSignInError(err: unknown) {
  if (!(err instanceof Error ? err.message : String(err)).includes(`bad JSON path: '${LAST_SIGN_IN}'`))
    return undefined;
  return badRequest(
    "Cannot unlink the only way to sign in of an account without a password: set a password or link another provider first.",
    {},
    err,
  );
}
