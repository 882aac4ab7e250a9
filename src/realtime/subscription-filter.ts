/** Subscription filters: checked when subscribing exactly as REST checks `?filter=`, and read on the visible record. */
import type { SchemaSnapshot } from "../collections/store";
import { compileText, scopeFor } from "../records/compile";
import type { RuleContext } from "../rules/context";
import type { HubEvent } from "./hub-event";
import { publicRecord } from "./payload";

/**
 * Throws the error REST gives the same `?filter=` on `collection` for the subscriber in `ctx`: a 400 for syntax
 * and for hidden or unknown fields, a 403 for `@request.*` and `@collection.*`. The compiled SQL is discarded;
 * compiling is the validation (one implementation, the records resolver's client mode).
 */
export function checkSubscriptionFilter(
  snapshot: SchemaSnapshot,
  collectionName: string,
  filter: string,
  ctx: RuleContext,
): void {
  const collection = snapshot.find(collectionName);
  // An unknown collection never publishes: nothing to read, nothing to leak.
  if (!collection) return;
  compileText(filter, scopeFor(snapshot, collection, ctx), { client: true });
}

/**
 * The record a subscriber's own filter is evaluated on: what it would receive (no hidden fields, no secrets),
 * with an auth record's email as NULL where it may not see it, as the SQL resolver's email guard reads it.
 * Fields it may not see are absent, so the JS evaluator defers them to SQL, which refuses them.
 */
export function filterView(event: HubEvent, ctx: RuleContext): Record<string, unknown> {
  const { collectionId: _id, collectionName: _name, ...visible } = publicRecord(event, ctx);
  if (event.collection.type === "auth" && !("email" in visible) && "email" in event.record) {
    visible.email = null;
  }
  return visible;
}
