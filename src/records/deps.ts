/** What every records capability needs: the request's database, the collection store and the caller's context. */
import type { Collection } from "../collections/collection";
import type { CollectionStore, SchemaSnapshot } from "../collections/store";
import type { D1Like } from "../db/sql";
import { notFound } from "../lib/errors";
import type { RuleContext } from "../rules/context";
import type { FileBucket } from "../storage/bucket";
import type { ChangeEvent, ChangeSink } from "./events";
import type { Outbox } from "./outbox";
import type { WriteHooks } from "./write-hooks";

/** Dependencies of the records capabilities (narrow on purpose: no Hono, no bindings beyond D1 and R2). */
export interface RecordDeps {
  /** The request's D1 session: reads and writes of user tables. */
  db: D1Like;
  store: CollectionStore;
  /** Who is asking, and the `@request.*` values rules see. */
  ctx: RuleContext;
  /** Receives committed changes. */
  changes: ChangeSink;
  /** Hashes a new password of an auth record (injected by http/: records never import auth). */
  hashPassword?: (plain: string) => Promise<string>;
  /** Checks an auth record's current password (password changes by non-superusers need `oldPassword`). */
  verifyPassword?: (plain: string, stored: string) => Promise<boolean>;
  /** Where file fields' objects live (the FILES R2 binding); uploads are refused without it. */
  files?: FileBucket;
  /** Adds outbox rows (webhook deliveries) to writes' batches; none when absent. */
  outbox?: Outbox;
  /** Runs a promise after the response (ctx.waitUntil in a Worker). */
  defer?: (promise: Promise<unknown>) => void;
  /** The request's record hooks (README "Hooks"): before a write is planned, after it commits. */
  hooks?: WriteHooks<RecordDeps>;
}

/** A collection together with the snapshot it was found in (relations resolve against the same snapshot). */
export interface CollectionRef {
  snapshot: SchemaSnapshot;
  collection: Collection;
}

/**
 * Finds a collection by id or name through the store's one cached lookup (a miss reloads the schema, throttled),
 * with the snapshot it was found in; 404 when there is none.
 */
export async function findCollection(
  deps: Pick<RecordDeps, "db" | "store">,
  idOrName: string,
): Promise<CollectionRef> {
  const { snapshot, collection } = await deps.store.find(deps.db, idOrName);
  if (!collection) throw notFound("Missing collection context.");
  return { snapshot, collection };
}

/**
 * Sends committed changes to the sink and the after-hooks without delaying the response; their failures never
 * reach the client.
 */
export function emitChanges(
  deps: Pick<RecordDeps, "changes" | "defer" | "hooks">,
  events: ChangeEvent[],
): void {
  if (events.length === 0) return;
  const sent = deps.changes.emit(events).catch(() => {});
  if (deps.defer) deps.defer(sent);
  const after = deps.hooks?.after(events).catch(() => {});
  if (after && deps.defer) deps.defer(after);
}
