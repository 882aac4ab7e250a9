/** Reading and writing auth records for the flows: identity lookup, the token subject loader, rendering, rekeying. */
import type { AuthCollection } from "../../collections/collection";
import { type D1Like, quoteIdent } from "../../db/sql";
import { generateTokenKey } from "../../lib/secrets";
import type { CollectionRef, RecordDeps } from "../../records/deps";
import { noopChangeSink } from "../../records/events";
import { EXTERNAL_AUTHS } from "../../records/external-auths";
import type { ViewParams } from "../../records/query-params";
import { decodeRow } from "../../records/record-json";
import { renderRecords } from "../../records/render";
import { internalInsertAuthRecord, internalUpdateSystemColumns } from "../../records/system-write";
import type { AuthRecord, RuleContext } from "../../rules/context";
import type { TokenSubjectLoader } from "../authenticate";
import type { RecentAuthRows } from "../recent-auth-rows";
import { ruleContext } from "../rule-context";
import type { AuthFlowDeps } from "./deps";

/** A stored auth record row (every column, secrets included: never return it as is). */
export type AuthRow = Record<string, unknown> & { id: string; tokenKey: string; password: string };

/** The `@request.auth` record of a stored row: every field decoded, secrets excluded. */
export function toAuthRecord(collection: AuthCollection, row: Record<string, unknown>): AuthRecord {
  return {
    ...decodeRow(collection, row),
    id: String(row.id),
    collectionId: collection.id,
    collectionName: collection.name,
  };
}

/** Reads one record of an auth collection by id. */
export async function readAuthRow(
  db: D1Like,
  collection: AuthCollection,
  id: string,
): Promise<AuthRow | undefined> {
  if (typeof id !== "string" || id.length === 0 || id.length > 64) return undefined;
  const row = await db
    .prepare(`SELECT * FROM ${quoteIdent(collection.name)} WHERE id = ? LIMIT 1`)
    .bind(id)
    .first<AuthRow>();
  return row ?? undefined;
}

/** Finds a record by email, case-insensitively (the unique index is on the exact value; sign-up keeps it). */
export async function findByEmail(
  db: D1Like,
  collection: AuthCollection,
  email: string,
): Promise<AuthRow | undefined> {
  const row = await db
    .prepare(
      `SELECT * FROM ${quoteIdent(collection.name)} WHERE lower(email) = lower(?) AND email != '' LIMIT 1`,
    )
    .bind(email)
    .first<AuthRow>();
  return row ?? undefined;
}

/**
 * Finds a record by a sign-in identity: each configured identity field in order (or only `identityField` when
 * given and configured). Email compares case-insensitively; other fields exactly.
 */
export async function findByIdentity(
  db: D1Like,
  collection: AuthCollection,
  identity: string,
  identityField?: string,
): Promise<AuthRow | undefined> {
  const configured = collection.passwordAuth.identityFields;
  const fields = identityField ? configured.filter((f) => f === identityField) : configured;
  for (const name of fields) {
    if (!collection.fields.some((f) => f.name === name)) continue;
    if (name === "email") {
      const row = await findByEmail(db, collection, identity);
      if (row) return row;
      continue;
    }
    const row = await db
      .prepare(`SELECT * FROM ${quoteIdent(collection.name)} WHERE ${quoteIdent(name)} = ? LIMIT 1`)
      .bind(identity)
      .first<AuthRow>();
    if (row) return row;
  }
  return undefined;
}

/**
 * The token subject loader over the collection store and a D1 session; with `recent`, records are reused from the
 * isolate's memo within its bound (the token middleware on every route but auth-refresh, which reads fresh).
 */
export function subjectLoader(
  deps: Pick<AuthFlowDeps, "db" | "store">,
  recent?: RecentAuthRows,
): TokenSubjectLoader<{
  collection: AuthCollection;
  row: AuthRow;
}> {
  const collectionOf = async (collectionId: string) => {
    const snapshot = await deps.store.snapshot(deps.db);
    const found = snapshot.find(collectionId);
    // Ids only: a token names its collection by id, never by a name that could be reused.
    return found?.type === "auth" && found.id === collectionId ? found : undefined;
  };
  return {
    async secret(collectionId) {
      return (await collectionOf(collectionId))?.tokenSecret;
    },
    async subject(collectionId, recordId) {
      const collection = await collectionOf(collectionId);
      if (!collection) return undefined;
      const read = () => readAuthRow(deps.db, collection, recordId);
      const row = recent ? await recent.get(collection, recordId, read) : await read();
      return row ? { tokenKey: String(row.tokenKey), record: { collection, row } } : undefined;
    },
  };
}

/** The rule context of `auth` acting on its own behalf (auth responses, authRule checks). */
export function selfContext(auth: AuthRecord, overrides: Partial<RuleContext> = {}): RuleContext {
  return { ...ruleContext({ auth }), ...overrides };
}

/** Records deps over the flow's database for rendering and rule checks (flows write through updateAuthRow). */
export function recordDepsFor(deps: Pick<AuthFlowDeps, "db" | "store">, ctx: RuleContext): RecordDeps {
  return { db: deps.db, store: deps.store, ctx, changes: noopChangeSink };
}

/** The record as its owner sees it in an auth response (expand/fields honoured). */
export async function renderOwnRecord(
  deps: Pick<AuthFlowDeps, "db" | "store">,
  collection: AuthCollection,
  row: AuthRow,
  params: ViewParams,
): Promise<unknown> {
  const ctx = selfContext(toAuthRecord(collection, row));
  const snapshot = await deps.store.snapshot(deps.db);
  const ref: CollectionRef = { snapshot, collection };
  const [record] = await renderRecords(recordDepsFor(deps, ctx), ref, [row], params);
  return record;
}

/** Columns a flow sets on an auth record; `rekey` replaces the tokenKey (every older token stops verifying). */
export interface AuthRowChanges {
  /** A password hash. */
  password?: string;
  email?: string;
  verified?: boolean;
  rekey?: boolean;
  /**
   * Also removes the record's passkeys and linked OAuth2 identities, in the same batch: on the first proof of an
   * address, with the password nobody proved, they are what a squatter who pre-registered it set up.
   */
  dropLinkedCredentials?: boolean;
}

/** Where a record's sign-in credentials other than the password live (each keyed by collectionRef, recordRef). */
const LINKED_CREDENTIAL_TABLES = ["_passkeys", EXTERNAL_AUTHS] as const;

type WriteFlowDeps = Pick<AuthFlowDeps, "db" | "changes" | "waitUntil" | "recordHooks" | "outbox" | "store">;

/** The records engine's write deps of a flow: its database, the app's change sink, the after-hooks and the outbox. */
function writeDepsOf(deps: WriteFlowDeps) {
  return {
    db: deps.db,
    changes: deps.changes,
    defer: deps.waitUntil,
    hooks: deps.recordHooks,
    outbox: deps.outbox,
  };
}

/**
 * Updates an auth record's credential columns through the records engine's internal write (so realtime, the
 * read cache and the session sink see it), returning the new row. A new password with a new tokenKey ends the
 * user's sessions; a rehash alone does not.
 */
export async function updateAuthRow(
  deps: WriteFlowDeps,
  collection: AuthCollection,
  id: string,
  changes: AuthRowChanges,
): Promise<AuthRow | undefined> {
  const { rekey, dropLinkedCredentials, ...columns } = changes;
  // Webhooks see these writes like any other update: their filters compile against the cached snapshot.
  const snapshot = deps.outbox ? await deps.store.snapshot(deps.db) : undefined;
  const alsoRun = dropLinkedCredentials
    ? LINKED_CREDENTIAL_TABLES.map((table) =>
        deps.db
          .prepare(`DELETE FROM ${quoteIdent(table)} WHERE collectionRef = ? AND recordRef = ?`)
          .bind(collection.id, id),
      )
    : undefined;
  const row = await internalUpdateSystemColumns(
    writeDepsOf(deps),
    collection,
    id,
    { ...columns, tokenKey: rekey ? generateTokenKey() : undefined },
    { endsSessions: rekey === true && changes.password !== undefined, snapshot, alsoRun },
  );
  return row as AuthRow | undefined;
}

/** Inserts a new auth record with only system values (superuser bootstrap), through the internal write. */
export async function insertAuthRow(
  deps: WriteFlowDeps,
  collection: AuthCollection,
  values: { email: string; passwordHash: string; verified: boolean },
): Promise<string> {
  const row = await internalInsertAuthRecord(writeDepsOf(deps), collection, {
    email: values.email,
    password: values.passwordHash,
    verified: values.verified,
    tokenKey: generateTokenKey(),
  });
  return row.id;
}
