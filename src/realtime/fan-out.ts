/** Who an event may go to on one hub: local sockets through the topic index, SSE clients by their topics. */
import type { AuthRecord } from "../rules/context";
import { type Connections, recordsKey } from "./connections";
import type { HubEvent } from "./hub-event";
import type { Candidate } from "./match";
import type { Subscription } from "./protocol";
import type { RemoteClient } from "./remote-subs";

/** One subscription an event is a candidate for: a socket's, or an SSE client's (by client id). */
export interface Target {
  ws?: WebSocket;
  clientId?: string;
  sub: Subscription;
  candidate: Candidate;
}

/** What target collection reads from the hub. */
export interface FanOutHub {
  readonly connections: Connections;
  readonly remote: { clients: Map<string, RemoteClient> };
  candidate(
    event: HubEvent,
    sub: Subscription,
    auth: AuthRecord | null,
    headers: Record<string, string>,
  ): Candidate;
}

/** The record id part of a records topic (`*` or an id). */
export function recordIdOf(sub: Subscription): string {
  return sub.topic.slice(sub.topic.indexOf("/") + 1);
}

/** Every `coll/*` and `coll/ID` subscription an event could go to (rules not yet checked). */
export function eventTargets(hub: FanOutHub, event: HubEvent): Target[] {
  const id = String(event.record.id ?? "");
  const targets: Target[] = [];
  for (const recordId of new Set(["*", id])) {
    for (const ws of hub.connections.sockets(recordsKey(recordId))) {
      const state = hub.connections.get(ws);
      if (!state) continue;
      for (const sub of state.subs) {
        if (
          recordIdOf(sub) !== recordId ||
          sub.topic.startsWith("presence/") ||
          sub.topic.startsWith("broadcast/")
        )
          continue;
        targets.push({ ws, sub, candidate: hub.candidate(event, sub, state.auth, state.headers) });
      }
    }
  }
  // SSE clients are few next to sockets (one object each holds the stream): a scan is enough here.
  for (const [clientId, client] of hub.remote.clients) {
    for (const sub of client.subs) {
      if (sub.custom) continue;
      const recordId = recordIdOf(sub);
      if (recordId === "*" || recordId === id) {
        targets.push({ clientId, sub, candidate: hub.candidate(event, sub, client.auth, {}) });
      }
    }
  }
  return targets;
}
