/** The WriteHooks port: code that runs before a write is planned (change, add errors, refuse) and after it commits. */
import type { Collection } from "../collections/collection";
import { type D1Like, quoteIdent } from "../db/sql";
import type { ChangeAction, ChangeEvent } from "./events";
import { decodeRow } from "./record-json";

/** A write about to be planned, as before-hooks see it. */
export interface PendingWrite {
  action: ChangeAction;
  collection: Collection;
  /** The submitted values (create, update); hooks may return changed ones. Empty for a delete. */
  body: Record<string, unknown>;
  /** The stored record (update, delete), decoded; read without rules, as hooks are server code. */
  oldRecord?: Record<string, unknown>;
}

/** What the before-hooks decided: the values to write, and whether the write skips its collection rule. */
export interface BeforeWriteResult {
  body: Record<string, unknown>;
  bypassRules: boolean;
}

/**
 * Hooks bound to one request (src/hooks implements it; records never import hooks). `before` throws an
 * ApiError to refuse; `after` runs after the commit and must never throw (failures are its own to log).
 * `D` is the records deps type (generic so this port and RecordDeps do not import each other).
 */
export interface WriteHooks<D = unknown> {
  /** True when some before-hook listens to `action` on `collection` (the stored row is read only then). */
  wants(action: ChangeAction, collection: Collection): boolean;
  before(deps: D, write: PendingWrite): Promise<BeforeWriteResult>;
  after(events: readonly ChangeEvent[]): Promise<void>;
}

/**
 * The before-write step of planCreate / planUpdate / planDelete: runs the request's before-hooks on the values
 * and the stored record (of this batch when it wrote the record earlier). A record that does not exist runs no
 * hooks: the plan answers its 404 as usual.
 */
export async function beforeWrite<D extends { db: D1Like; hooks?: WriteHooks<D> }>(
  deps: D,
  action: ChangeAction,
  collection: Collection,
  body: Record<string, unknown>,
  target?: { id: string; pending?: Record<string, unknown> },
): Promise<BeforeWriteResult> {
  const hooks = deps.hooks;
  if (!hooks?.wants(action, collection)) return { body, bypassRules: false };
  let oldRecord: Record<string, unknown> | undefined;
  if (target) {
    const row =
      target.pending ??
      (await deps.db
        .prepare(`SELECT * FROM ${quoteIdent(collection.name)} WHERE id = ?`)
        .bind(target.id)
        .first<Record<string, unknown>>());
    if (!row) return { body, bypassRules: false };
    oldRecord = decodeRow(collection, row);
  }
  return hooks.before(deps, { action, collection, body: { ...body }, oldRecord });
}

/** The rule a write checks: the collection's, or none when a before-hook asked to bypass rules. */
export function writeRule(rule: string | null, hooked: BeforeWriteResult): string | null {
  return hooked.bypassRules ? "" : rule;
}
