/** Change events: every committed create/update/delete is handed to a ChangeSink after the commit. */
import type { Collection } from "../collections/collection";

/** What happened to a record. */
export type ChangeAction = "create" | "update" | "delete";

/**
 * One committed change. `record` holds every decoded field (hidden ones included, password hashes and token
 * keys excluded): the consumer (realtime) decides per subscriber what it may see.
 */
export interface ChangeEvent {
  action: ChangeAction;
  collection: Collection;
  record: Record<string, unknown>;
  /** The record before an update or delete. */
  oldRecord?: Record<string, unknown>;
  /** True when an update of an auth record set a new password (its tokenKey was replaced too). */
  passwordChanged?: boolean;
}

/** Receives committed changes; never called for writes that failed or were rolled back. */
export interface ChangeSink {
  emit(events: readonly ChangeEvent[]): Promise<void>;
}

/** A sink that drops every event (wired until realtime consumes them). */
export const noopChangeSink: ChangeSink = {
  emit: async () => {},
};
