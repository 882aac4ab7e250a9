/** The WriteHooks port: code that runs before a write is planned (change, add errors, refuse) and after it commits. */
import type { Collection } from "../collections/collection";
import { notFound } from "../lib/errors";
import type { ChangeAction, ChangeEvent } from "./events";
import { decodeRow } from "./record-json";

/** A write about to be planned, as before-hooks see it. */
export interface PendingWrite {
  action: ChangeAction;
  collection: Collection;
  /** The submitted values (create, update); hooks may return changed ones. Empty for a delete. */
  body: Record<string, unknown>;
  /** The stored record (update, delete), decoded; read under the caller's update/delete rule. */
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
 * and, for an update or delete, the stored record `load` reads under the caller's rule (or from the batch that
 * wrote it). A record the caller may not access never reaches a hook: it is the plan's usual 404 (or 403).
 */
export async function beforeWrite<D extends { hooks?: WriteHooks<D> }>(
  deps: D,
  action: ChangeAction,
  collection: Collection,
  body: Record<string, unknown>,
  load?: () => Promise<Record<string, unknown> | undefined>,
): Promise<BeforeWriteResult> {
  const hooks = deps.hooks;
  if (!hooks?.wants(action, collection)) return { body, bypassRules: false };
  let oldRecord: Record<string, unknown> | undefined;
  if (load) {
    const row = await load();
    if (!row) throw notFound();
    oldRecord = decodeRow(collection, row);
  }
  return hooks.before(deps, { action, collection, body: { ...body }, oldRecord });
}

/** The rule a write checks: the collection's, or none when a before-hook asked to bypass rules. */
export function writeRule(rule: string | null, hooked: BeforeWriteResult): string | null {
  return hooked.bypassRules ? "" : rule;
}
