/** What publishers send to a hub: a committed change with the slice of its collection matching needs. */
import type { ChangeEvent } from "../records/events";
import { type VisibilityScope, visibilityScope } from "../records/visibility";

/** The parts of a collection definition a hub needs (never its token secret). */
export interface HubCollection extends VisibilityScope {
  listRule: string | null;
  viewRule: string | null;
}

/** One committed change as a hub receives and logs it. */
export interface HubEvent {
  action: ChangeEvent["action"];
  collection: HubCollection;
  /** Every decoded field of the record (hidden ones included; secrets already excluded by records). */
  record: Record<string, unknown>;
}

/** The hub's view of a change event. */
export function toHubEvent(change: ChangeEvent): HubEvent {
  const c = change.collection;
  return {
    action: change.action,
    // Which fields are hidden is the visibility rule's to say (records/visibility.ts), not a second list here.
    collection: { ...visibilityScope(c), listRule: c.listRule, viewRule: c.viewRule },
    record: change.record,
  };
}
