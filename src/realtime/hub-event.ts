/** What publishers send to a hub: a committed change with the slice of its collection matching needs. */
import type { Collection } from "../collections/collection";
import type { ChangeEvent } from "../records/events";

/** The parts of a collection definition a hub needs (never its token secret). */
export interface HubCollection {
  id: string;
  name: string;
  type: Collection["type"];
  listRule: string | null;
  viewRule: string | null;
  /** Hidden fields: sent to superusers only. */
  hidden: string[];
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
    collection: {
      id: c.id,
      name: c.name,
      type: c.type,
      listRule: c.listRule,
      viewRule: c.viewRule,
      hidden: c.fields.filter((f) => f.hidden).map((f) => f.name),
    },
    record: change.record,
  };
}
