/** Handling of native-protocol client messages on a hub: limits, subscribe/unsubscribe, replay, rooms. */

import { ruleContext } from "../auth/rule-context";
import { ApiError } from "../lib/errors";
import { parseExpand, parseFields } from "../records/query-params";
import { parseFilter } from "../rules/cache";
import type { ConnectionState } from "./connection-state";
import type { Connections } from "./connections";
import type { EventLog } from "./event-log";
import type { HubEvent } from "./hub-event";
import { type Candidate, decideAll, type MatchDeps } from "./match";
import { type RenderDeps, recordFor } from "./payload";
import { type ClientMessage, clientMessageSchema, type ServerMessage, type Subscription } from "./protocol";
import { broadcast, joinRoom, leaveRoom } from "./rooms";
import { checkSubscriptionFilter } from "./subscription-filter";
import { parseCustomTopic, parseTopic, type Topic } from "./topics";

/** What message handling needs from the hub object: its connection state, its event log, and a few services. */
export interface HubSockets {
  readonly connections: Connections;
  readonly events: EventLog;
  send(ws: WebSocket, message: ServerMessage): void;
  /** Drops a connection (presence members get a `leave`). */
  forget(ws: WebSocket): void;
  candidate(
    event: HubEvent,
    sub: Subscription,
    auth: ConnectionState["auth"],
    headers: Record<string, string>,
  ): Candidate;
  matchDeps(): MatchDeps;
  renderDeps(): RenderDeps;
}

/** Applies limits, parses and dispatches one client message. */
export async function handleMessage(
  hub: HubSockets,
  ws: WebSocket,
  state: ConnectionState,
  raw: string | ArrayBuffer,
): Promise<void> {
  const size = typeof raw === "string" ? new TextEncoder().encode(raw).length : raw.byteLength;
  if (size > state.limits.maxMessageBytes) return closeWith(hub, ws, 1009, "Message too big.");
  const count = hub.connections.countMessage(ws, Math.floor(Date.now() / 1000));
  if (count > 2 * state.limits.messagesPerSecond) return closeWith(hub, ws, 1008, "Rate limit exceeded.");
  if (count > state.limits.messagesPerSecond)
    return error(hub, ws, "rate_limited", "Too many messages; slow down.");
  let message: ClientMessage;
  try {
    if (typeof raw !== "string") throw new Error("binary");
    message = clientMessageSchema.parse(JSON.parse(raw));
  } catch {
    return error(
      hub,
      ws,
      "invalid_message",
      'Expected JSON {type: "subscribe"|"unsubscribe"|"broadcast", topic, …}.',
    );
  }
  // A channel hub holds custom topics only: there `posts/1` is a custom topic, not a record topic.
  const topic = state.hub.kind === "channel" ? parseCustomTopic(message.topic) : parseTopic(message.topic);
  if (!topic || !belongs(topic, state)) {
    return error(
      hub,
      ws,
      "invalid_topic",
      "The topic is malformed or belongs to another hub.",
      message.topic,
    );
  }
  if (message.type === "subscribe") return subscribe(hub, ws, state, message, topic);
  if (message.type === "unsubscribe") return unsubscribe(hub, ws, state, message.topic, topic);
  if (topic.kind !== "broadcast")
    return error(hub, ws, "invalid_topic", "Only broadcast topics accept messages.", message.topic);
  if (!state.room?.broadcast || !state.subs.some((s) => s.topic === message.topic)) {
    return error(
      hub,
      ws,
      "forbidden",
      "Subscribe to the room and be allowed to broadcast first.",
      message.topic,
    );
  }
  broadcast(hub, ws, state, message.topic, message.data);
}

async function subscribe(
  hub: HubSockets,
  ws: WebSocket,
  state: ConnectionState,
  message: Extract<ClientMessage, { type: "subscribe" }>,
  topic: Topic,
): Promise<void> {
  const existing = state.subs.findIndex((s) => s.topic === message.topic);
  if (existing < 0 && state.subs.length >= state.limits.maxSubscriptions) {
    return error(
      hub,
      ws,
      "too_many_subscriptions",
      `At most ${state.limits.maxSubscriptions} subscriptions per connection.`,
      message.topic,
    );
  }
  if ((topic.kind === "presence" || topic.kind === "broadcast") && !state.room?.join) {
    return error(hub, ws, "forbidden", "You are not allowed to join this room.", message.topic);
  }
  if (topic.kind === "custom") {
    if (message.filter || message.fields || message.expand) {
      return error(
        hub,
        ws,
        "invalid_options",
        "Custom topics take no filter, fields or expand.",
        message.topic,
      );
    }
    hub.connections.subscribe(ws, state, { key: message.topic, topic: message.topic, custom: true });
    return hub.send(ws, { type: "subscribed", topic: message.topic, seq: hub.events.last() });
  }
  const sub: Subscription = { key: message.topic, topic: message.topic };
  try {
    if (message.filter) {
      parseFilter(message.filter);
      if (topic.kind === "records") {
        const snapshot = await hub.matchDeps().snapshot();
        const ctx = ruleContext({ auth: state.auth, headers: state.headers, context: "realtime" });
        checkSubscriptionFilter(snapshot, topic.collection, message.filter, ctx);
      }
      sub.filter = message.filter;
    }
    if (message.fields) {
      parseFields(message.fields);
      sub.fields = message.fields;
    }
    if (message.expand) {
      parseExpand(message.expand);
      sub.expand = message.expand;
    }
  } catch (err) {
    const text = err instanceof ApiError || err instanceof Error ? err.message : "Invalid options.";
    // A 403 from the filter (`@request.*`, `@collection.*`) stays a refusal, as over REST.
    const code = err instanceof ApiError && err.status === 403 ? "forbidden" : "invalid_options";
    return error(hub, ws, code, text, message.topic);
  }
  hub.connections.subscribe(ws, state, sub);
  hub.send(ws, { type: "subscribed", topic: message.topic, seq: hub.events.last() });
  if (topic.kind === "presence" && existing < 0) joinRoom(hub, ws, state, message.topic);
  const since = message.since ?? state.since;
  if (topic.kind === "records" && since !== undefined) await replay(hub, ws, state, sub, since);
}

function unsubscribe(
  hub: HubSockets,
  ws: WebSocket,
  state: ConnectionState,
  key: string,
  topic: Topic,
): void {
  if (topic.kind === "presence" && state.subs.some((s) => s.topic === key)) leaveRoom(hub, ws, state, key);
  hub.connections.unsubscribe(ws, state, key);
  hub.send(ws, { type: "unsubscribed", topic: key });
}

/**
 * Sends the logged events after `since` that this subscription may see (rules re-checked now, with the
 * subscriber's current auth), or a `resync` when the log no longer reaches back that far.
 */
export async function replay(
  hub: HubSockets,
  ws: WebSocket,
  state: ConnectionState,
  sub: Subscription,
  since: number,
): Promise<void> {
  const events = hub.events.after(since);
  if (events === "resync") return hub.send(ws, { type: "resync", topic: sub.key, seq: hub.events.last() });
  const recordId = sub.topic.slice(sub.topic.indexOf("/") + 1);
  for (const { seq, event } of events) {
    if (recordId !== "*" && event.record.id !== recordId) continue;
    const candidate = hub.candidate(event, sub, state.auth, state.headers);
    const [allowed] = await decideAll(event, [candidate], hub.matchDeps());
    if (!allowed) continue;
    const record = await recordFor(event, candidate.ctx, sub, hub.renderDeps());
    hub.send(ws, { type: "event", topic: sub.key, action: event.action, record, seq });
  }
}

/** Leaves every presence room of a connection that is going away. */
export function leaveAll(hub: HubSockets, ws: WebSocket, state: ConnectionState): void {
  for (const sub of state.subs) if (sub.topic.startsWith("presence/")) leaveRoom(hub, ws, state, sub.topic);
}

function belongs(topic: Topic, state: ConnectionState): boolean {
  if (topic.kind === "custom")
    return state.hub.kind === "channel" && state.hub.name.toLowerCase() === topic.channel.toLowerCase();
  if (topic.kind === "records")
    return state.hub.kind === "collection" && state.hub.name.toLowerCase() === topic.collection.toLowerCase();
  return state.hub.kind === "room" && state.hub.name === topic.room;
}

function error(hub: HubSockets, ws: WebSocket, code: string, message: string, topic?: string): void {
  hub.send(
    ws,
    topic === undefined ? { type: "error", code, message } : { type: "error", code, message, topic },
  );
}

function closeWith(hub: HubSockets, ws: WebSocket, code: number, reason: string): void {
  hub.forget(ws);
  ws.close(code, reason);
}
