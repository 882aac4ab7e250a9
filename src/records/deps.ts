/** What every records capability needs: the request's database, the collection store and the caller's context. */
import type { Collection } from "../collections/collection";
import type { CollectionStore, D1Like, SchemaSnapshot } from "../collections/store";
import { notFound } from "../lib/errors";
import type { RuleContext } from "../rules/context";
import type { ChangeEvent, ChangeSink } from "./events";

/** Dependencies of the records capabilities (narrow on purpose: no Hono, no bindings beyond D1). */
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
  /** Runs a promise after the response (ctx.waitUntil in a Worker). */
  defer?: (promise: Promise<unknown>) => void;
}

/** A collection together with the snapshot it was found in (relations resolve against the same snapshot). */
export interface CollectionRef {
  snapshot: SchemaSnapshot;
  collection: Collection;
}

/** Minimum time between schema reloads caused by unknown collection names. */
export const MISS_RELOAD_INTERVAL_MS = 250;
const lastMissReload = new WeakMap<CollectionStore, number>();

/**
 * Finds a collection by id or name. A miss reloads the schema (at most once per MISS_RELOAD_INTERVAL_MS) before
 * giving up, so a collection created by another isolate is visible at once rather than after the cache interval.
 */
export async function findCollection(
  deps: Pick<RecordDeps, "db" | "store">,
  idOrName: string,
): Promise<CollectionRef> {
  let snapshot = await deps.store.snapshot(deps.db);
  let collection = snapshot.find(idOrName);
  const now = Date.now();
  // At most one reload per interval per store: requests for made-up names must not each cost a schema load.
  if (!collection && now - (lastMissReload.get(deps.store) ?? 0) >= MISS_RELOAD_INTERVAL_MS) {
    lastMissReload.set(deps.store, now);
    snapshot = await deps.store.load(deps.db);
    collection = snapshot.find(idOrName);
  }
  if (!collection) throw notFound("Missing collection context.");
  return { snapshot, collection };
}

/** Sends committed changes to the sink without delaying the response; sink failures never reach the client. */
export function emitChanges(deps: Pick<RecordDeps, "changes" | "defer">, events: ChangeEvent[]): void {
  if (events.length === 0) return;
  const sent = deps.changes.emit(events).catch(() => {});
  if (deps.defer) deps.defer(sent);
}
