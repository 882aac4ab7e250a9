/** The realtime ChangeSink: sends each committed change to its collection's hub shards. */
import type { ChangeEvent, ChangeSink } from "../records/events";
import type { RealtimeHub } from "./hub";
import { toHubEvent } from "./hub-event";
import { hubName } from "./topics";

/** The REALTIME_HUB binding. */
export type HubNamespace = DurableObjectNamespace<RealtimeHub>;

/** Options of {@link realtimeSink}. */
export interface RealtimeSinkOptions {
  /** Shards per collection hub (every shard receives every event). Default 1. */
  shards?: number;
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
      await Promise.allSettled(
        [...byHub].map(async ([name, list]) => {
          const ns = typeof namespace === "function" ? namespace() : namespace;
          const stub = ns.get(ns.idFromName(name));
          for (const event of list) await stub.publish(toHubEvent(event));
        }),
      );
    },
  };
}

/** One sink that hands every batch to each of `sinks` (a failing one does not stop the others). */
export function fanOutSink(...sinks: ChangeSink[]): ChangeSink {
  return {
    async emit(events: readonly ChangeEvent[]): Promise<void> {
      await Promise.allSettled(sinks.map((s) => s.emit(events)));
    },
  };
}
