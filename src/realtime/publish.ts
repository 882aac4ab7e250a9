/** The realtime ChangeSink: sends each committed change to its collection's hub shards. */
import type { ChangeEvent, ChangeSink } from "../records/events";
import type { AuthRecord } from "../rules/context";
import { refreshUser, type UserNamespace } from "./deauthorize";
import type { RealtimeHub } from "./hub";
import { toHubEvent } from "./hub-event";
import { hubName } from "./topics";

/** The REALTIME_HUB binding. */
export type HubNamespace = DurableObjectNamespace<RealtimeHub>;

/** Options of {@link realtimeSink}. */
export interface RealtimeSinkOptions {
  /** Shards per collection hub (every shard receives every event). Default 1. */
  shards?: number;
  /** The REALTIME_USER binding: an updated auth record refreshes its owner's open connections. */
  users?: () => UserNamespace;
}

/**
 * A ChangeSink publishing to `namespace` (the REALTIME_HUB binding). Records calls it after commit inside
 * ctx.waitUntil, so publishing never delays a response; one failed hub does not stop the others.
 */
export function realtimeSink(
  namespace: HubNamespace | (() => HubNamespace),
  options: RealtimeSinkOptions = {},
): ChangeSink {
  const shards = Math.max(1, Math.trunc(options.shards ?? 1));
  return {
    async emit(events: readonly ChangeEvent[]): Promise<void> {
      // Events of one collection go out in commit order; different collections' hubs run in parallel.
      const byHub = new Map<string, ChangeEvent[]>();
      for (const event of events) {
        for (let shard = 0; shard < shards; shard++) {
          const name = hubName({ kind: "collection", name: event.collection.name }, shard);
          byHub.set(name, [...(byHub.get(name) ?? []), event]);
        }
      }
      const users = options.users;
      await Promise.allSettled([
        ...[...byHub].map(async ([name, list]) => {
          const ns = typeof namespace === "function" ? namespace() : namespace;
          const stub = ns.get(ns.idFromName(name));
          for (const event of list) await stub.publish(toHubEvent(event));
        }),
        // Rules read `@request.auth.*` from the record a connection was opened with: any update replaces it.
        // (A password change or a delete also ends the sessions, and with them the connections.)
        ...(users ? authUpdates(events).map((auth) => refreshUser(users(), auth)) : []),
      ]);
    },
  };
}

/** The new auth records of the updated records of auth collections, the last update of each user winning. */
function authUpdates(events: readonly ChangeEvent[]): AuthRecord[] {
  const out = new Map<string, AuthRecord>();
  for (const { action, collection, record } of events) {
    if (action !== "update" || collection.type !== "auth" || typeof record.id !== "string") continue;
    const auth = { ...record, id: record.id, collectionId: collection.id, collectionName: collection.name };
    out.set(`${collection.id}/${record.id}`, auth);
  }
  return [...out.values()];
}

/** One sink that hands every batch to each of `sinks` (a failing one does not stop the others). */
export function fanOutSink(...sinks: ChangeSink[]): ChangeSink {
  return {
    async emit(events: readonly ChangeEvent[]): Promise<void> {
      await Promise.allSettled(sinks.map((s) => s.emit(events)));
    },
  };
}
