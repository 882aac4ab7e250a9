/** The record a subscriber receives: hidden fields and private emails dropped, then its fields projection. */
import { fieldsTree, projectFields } from "../records/fields";
import { parseFields } from "../records/query-params";
import type { RuleContext } from "../rules/context";
import type { HubEvent } from "./hub-event";

/**
 * The public JSON of an event's record for the subscriber in `ctx` (the same visibility as records'
 * toRecordJson: hidden fields for superusers only, an auth record's email only when visible, to its owner or a
 * superuser). `fields` is the subscriber's projection (`fields` query syntax); expand is not applied yet.
 */
export function recordFor(event: HubEvent, ctx: RuleContext, fields?: string): Record<string, unknown> {
  const { collection, record } = event;
  const out: Record<string, unknown> = { collectionId: collection.id, collectionName: collection.name };
  const hidden = ctx.isSuperuser ? new Set<string>() : new Set(collection.hidden);
  const isOwner = ctx.auth !== null && ctx.auth.collectionId === collection.id && ctx.auth.id === record.id;
  const emailVisible = ctx.isSuperuser || isOwner || record.emailVisibility === true;
  for (const [name, value] of Object.entries(record)) {
    if (hidden.has(name)) continue;
    if (collection.type === "auth" && name === "email" && !emailVisible) continue;
    out[name] = value;
  }
  if (!fields) return out;
  const entries = parseFields(fields);
  return entries ? (projectFields(out, fieldsTree(entries)) as Record<string, unknown>) : out;
}
