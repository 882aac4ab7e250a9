/** The record a subscriber receives: hidden fields and private emails dropped, its expand, then its fields. */
import type { CollectionStore } from "../collections/store";
import { noopChangeSink } from "../records/events";
import { expandRecords } from "../records/expand";
import { fieldsTree, projectFields } from "../records/projection";
import { parseExpand, parseFields } from "../records/query-params";
import { type RecordJson, visibleRecord } from "../records/visibility";
import type { RuleContext } from "../rules/context";
import type { HubEvent } from "./hub-event";
import type { Subscription } from "./protocol";

/**
 * The public JSON of an event's record for the subscriber in `ctx`, before expand and fields: the one
 * visibility rule (records/visibility.ts), so realtime shows exactly what the REST API would.
 */
export function publicRecord(event: HubEvent, ctx: RuleContext): RecordJson {
  return visibleRecord(event.collection, event.record, ctx);
}

/** Where expand reads related records. */
export interface RenderDeps {
  db: D1Database;
  store: CollectionStore;
}

/**
 * The record as `sub` asked for it: expand (one D1 round trip per relation level, each related record under its
 * own viewRule for this subscriber, as the REST API does), then the fields projection.
 */
export async function recordFor(
  event: HubEvent,
  ctx: RuleContext,
  sub: Pick<Subscription, "fields" | "expand">,
  deps: RenderDeps,
): Promise<Record<string, unknown>> {
  const json = publicRecord(event, ctx);
  if (sub.expand) {
    try {
      const snapshot = await deps.store.snapshot(deps.db);
      const collection = snapshot.find(event.collection.id);
      const recordDeps = { db: deps.db, store: deps.store, ctx, changes: noopChangeSink };
      if (collection)
        await expandRecords(
          recordDeps,
          { snapshot, collection },
          [{ row: event.record, json }],
          parseExpand(sub.expand),
        );
    } catch {
      // A relation removed since subscribing: the event still goes out, without expand.
    }
  }
  const entries = sub.fields ? parseFields(sub.fields) : null;
  return entries ? (projectFields(json, fieldsTree(entries)) as Record<string, unknown>) : json;
}
