/** Presence (`presence/ROOM`: join/leave events and a member list) and broadcast (`broadcast/ROOM`) on a room hub. */
import type { ConnectionState } from "./connection-state";
import type { Connections } from "./connections";
import type { PresenceMember, ServerMessage } from "./protocol";

/** The sockets and state a room operation needs. */
interface RoomHub {
  readonly connections: Connections;
  send(ws: WebSocket, message: ServerMessage): void;
}

/** A connection as other members see it. */
export function memberOf(state: ConnectionState): PresenceMember {
  return {
    connectionId: state.id,
    userId: state.auth?.id ?? null,
    collectionName: state.auth?.collectionName ?? null,
  };
}

function others(hub: RoomHub, ws: WebSocket, key: string): WebSocket[] {
  return [...hub.connections.sockets(key)].filter((other) => other !== ws);
}

/** Sends the joiner the member list and everyone else a `join` event. */
export function joinRoom(hub: RoomHub, ws: WebSocket, state: ConnectionState, topic: string): void {
  const key = `presence:${topic.slice(topic.indexOf("/") + 1)}`;
  const members = [...hub.connections.sockets(key)].flatMap((s) => {
    const st = hub.connections.get(s);
    return st ? [memberOf(st)] : [];
  });
  hub.send(ws, { type: "presence", topic, members });
  for (const other of others(hub, ws, key)) hub.send(other, { type: "join", topic, member: memberOf(state) });
}

/** Sends the remaining members a `leave` event. */
export function leaveRoom(hub: RoomHub, ws: WebSocket, state: ConnectionState, topic: string): void {
  const key = `presence:${topic.slice(topic.indexOf("/") + 1)}`;
  for (const other of others(hub, ws, key))
    hub.send(other, { type: "leave", topic, member: memberOf(state) });
}

/** Relays a client's message to every other subscriber of the broadcast topic. */
export function broadcast(
  hub: RoomHub,
  ws: WebSocket,
  state: ConnectionState,
  topic: string,
  data: unknown,
): void {
  const key = `broadcast:${topic.slice(topic.indexOf("/") + 1)}`;
  for (const other of others(hub, ws, key))
    hub.send(other, { type: "broadcast", topic, data, from: memberOf(state) });
}
