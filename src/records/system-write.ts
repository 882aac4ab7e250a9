/** INTERNAL writes of auth records' system columns (auth flows): no rules, no field checks, same change events. */
import type { AuthCollection } from "../collections/collection";
import type { SchemaSnapshot } from "../collections/store";
import { quoteIdent } from "../db/sql";
import { ApiError } from "../lib/errors";
import { newId } from "../lib/ids";
import { formatTimestamp } from "../lib/time";
import { GUARD, readBack, runPlan, type WriteDeps, type WritePlan } from "./plan";
import { decodeRow } from "./record-json";

/** System columns an internal write may set. Values are final: hashes hashed, emails already validated. */
export interface SystemColumns {
  /** A password HASH, never plain text. */
  password?: string;
  email?: string;
  verified?: boolean;
  emailVisibility?: boolean;
  /** A new tokenKey: every token signed with the old one stops verifying. */
  tokenKey?: string;
}

/** What an internal write says about the sessions of the record it changed. */
export interface SystemWriteOptions {
  /**
   * True when the write ends the user's sessions (a new password with a new tokenKey): the update event says
   * `passwordChanged`, so the session sink revokes refresh tokens and realtime de-authorizes the user.
   */
  endsSessions?: boolean;
  /** The schema snapshot the collection came from: with it the write also reaches the outbox (webhooks). */
  snapshot?: SchemaSnapshot;
  /** Statements committed in the same batch after the update (the auth flows' credential clean-up). */
  alsoRun?: D1PreparedStatement[];
}

type AuthRowOf = Record<string, unknown> & { id: string };

function assignments(collection: AuthCollection, columns: SystemColumns, creating: boolean) {
  const out = new Map<string, unknown>();
  const has = (name: string) => collection.fields.some((f) => f.name === name);
  if (columns.password !== undefined) out.set("password", columns.password);
  if (columns.email !== undefined) out.set("email", columns.email);
  if (columns.verified !== undefined) out.set("verified", columns.verified ? 1 : 0);
  if (columns.emailVisibility !== undefined) out.set("emailVisibility", columns.emailVisibility ? 1 : 0);
  if (columns.tokenKey !== undefined) out.set("tokenKey", columns.tokenKey);
  const now = formatTimestamp();
  for (const f of collection.fields) {
    if (f.type === "autodate" && (creating ? f.onCreate : f.onUpdate)) out.set(f.name, now);
  }
  for (const name of out.keys()) if (!has(name)) out.delete(name);
  return out;
}

/**
 * INTERNAL — for auth flows only, never for client input. Sets system columns of auth record `id`, bypassing
 * the collection's rules and the hidden/readonly field checks on purpose: the flow has already proven the
 * caller's right (an emailed token, an OTP, the password). Runs as a records write plan, so it commits in one
 * D1 batch and reaches the ChangeSink as an `update` event (realtime, read-cache bump, session sink).
 * Returns the new row, or undefined when the record no longer exists.
 */
export async function internalUpdateSystemColumns(
  deps: WriteDeps,
  collection: AuthCollection,
  id: string,
  columns: SystemColumns,
  options: SystemWriteOptions = {},
): Promise<AuthRowOf | undefined> {
  const sets = assignments(collection, columns, false);
  const table = quoteIdent(collection.name);
  if (sets.size === 0) {
    const row = await deps.db.prepare(`SELECT * FROM ${table} WHERE id = ?`).bind(id).first<AuthRowOf>();
    return row ?? undefined;
  }
  const names = [...sets.keys()];
  const plan: WritePlan = {
    collection,
    statements: [
      deps.db.prepare(`SELECT * FROM ${table} WHERE id = ?`).bind(id),
      deps.db
        .prepare(`UPDATE ${table} SET ${names.map((n) => `${quoteIdent(n)} = ?`).join(", ")} WHERE id = ?`)
        .bind(...names.map((n) => sets.get(n)), id),
      GUARD,
      deps.db.prepare(`SELECT * FROM ${table} WHERE id = ?`).bind(id),
      ...(options.alsoRun ?? []),
    ],
    rejected: () => new ApiError(404, "The requested resource wasn't found."),
    change: options.snapshot && { action: "update", collection, id, snapshot: options.snapshot },
    async finish(results) {
      const old = readBack(results, 0);
      const row = readBack(results, 3);
      return {
        status: 200,
        body: row,
        events: [
          {
            action: "update",
            collection,
            record: decodeRow(collection, row),
            oldRecord: decodeRow(collection, old),
            passwordChanged: options.endsSessions === true,
          },
        ],
      };
    },
  };
  try {
    return (await runPlan(deps, plan)).body as AuthRowOf;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return undefined;
    throw error;
  }
}

/**
 * INTERNAL — for the superuser bootstrap only. Inserts an auth record holding only system values (other fields
 * take their column defaults), without rules or field checks, and emits a `create` event. Returns the new row.
 */
export async function internalInsertAuthRecord(
  deps: WriteDeps,
  collection: AuthCollection,
  columns: SystemColumns & { email: string; password: string; tokenKey: string },
): Promise<AuthRowOf> {
  const id = newId();
  const values = assignments(collection, { emailVisibility: false, ...columns }, true);
  values.set("id", id);
  const names = [...values.keys()];
  const table = quoteIdent(collection.name);
  const plan: WritePlan = {
    collection,
    statements: [
      deps.db
        .prepare(
          `INSERT INTO ${table} (${names.map(quoteIdent).join(", ")}) VALUES (${names.map(() => "?").join(", ")})`,
        )
        .bind(...names.map((n) => values.get(n))),
      deps.db.prepare(`SELECT * FROM ${table} WHERE id = ?`).bind(id),
    ],
    rejected: () => new ApiError(404, "The requested resource wasn't found."),
    async finish(results) {
      const row = readBack(results, 1);
      return {
        status: 200,
        body: row,
        events: [{ action: "create", collection, record: decodeRow(collection, row) }],
      };
    },
  };
  return (await runPlan(deps, plan)).body as AuthRowOf;
}
