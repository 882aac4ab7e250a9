/** The native WebSocket protocol: client messages (validated with zod), limits, and what the Worker tells a hub. */
import { z } from "zod";
import type { AuthRecord } from "../rules/context";
import { type HubKey, MAX_TOPIC_LENGTH } from "./topics";

/** Per-connection limits; every one a client can push against. */
export interface RealtimeLimits {
  /** Subscriptions one connection may hold. */
  maxSubscriptions: number;
  /** Largest accepted client message, in bytes (bigger ones close the socket with 1009). */
  maxMessageBytes: number;
  /** Messages per second; over it a message is answered with an error, over twice it the socket closes (1008). */
  messagesPerSecond: number;
  /**
   * Open WebSockets and SSE streams per client IP bucket (IPv6: per /64), across every hub; one more is
   * refused with a 429.
   */
  maxConnectionsPerIp: number;
  /** Open WebSockets and signed-in SSE streams per user, across every hub; one more is refused with a 429. */
  maxConnectionsPerUser: number;
}

/** The defaults of {@link RealtimeLimits}. */
export const DEFAULT_LIMITS: RealtimeLimits = {
  maxSubscriptions: 100,
  maxMessageBytes: 16_384,
  messagesPerSecond: 20,
  maxConnectionsPerIp: 100,
  maxConnectionsPerUser: 20,
};

/** Longest client filter or fields list in a subscription. */
export const MAX_OPTION_LENGTH = 2_000;

const option = z.string().max(MAX_OPTION_LENGTH).optional();
const topic = z.string().min(1).max(MAX_TOPIC_LENGTH);

/** A message a client sends over the native WebSocket. */
export const clientMessageSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("subscribe"),
    topic,
    filter: option,
    expand: option,
    fields: option,
    /** Replay logged events after this sequence number (overrides the connection's `since`). */
    since: z.number().int().min(0).optional(),
  }),
  z.object({ type: z.literal("unsubscribe"), topic }),
  z.object({ type: z.literal("broadcast"), topic, data: z.unknown() }),
]);

/** A parsed client message. */
export type ClientMessage = z.output<typeof clientMessageSchema>;

/** One subscription of a connection, as stored in its attachment. */
export interface Subscription {
  /** The topic as the client wrote it; also the event name SSE clients listen on. */
  key: string;
  /** The parsed topic without options (`posts/*`). */
  topic: string;
  filter?: string;
  fields?: string;
  /** Relations to expand (`expand` query syntax). */
  expand?: string;
  /** `@request.headers.*` for rules (SSE subscriptions carry their own, PocketBase-style). */
  headers?: Record<string, string>;
  /** A custom topic's subscription (topics.ts): it receives published messages, never record events. */
  custom?: true;
}

/** What the Worker tells a hub about a connection it forwards (the internal `x-edgebase-realtime` header). */
export interface ConnectInfo {
  hub: HubKey;
  auth: AuthRecord | null;
  /** Resume point for replays (`since` query parameter). */
  since?: number;
  limits: RealtimeLimits;
  /** Room permissions, decided by the Worker from the configured room rules. */
  room?: { join: boolean; broadcast: boolean };
  /** The request headers the collection's rules reference (`@request.headers.*`); never credentials. */
  headers: Record<string, string>;
  /** The access token's `exp` in seconds; the hub closes the connection (4401) once it has passed. */
  tokenExp?: number | null;
  /** The client's address bucket for the per-IP limit (not kept in connection state); absent when unknown. */
  ip?: string;
}

/** The internal header carrying {@link ConnectInfo}; the Worker always overwrites it, so clients cannot forge it. */
export const CONNECT_HEADER = "x-edgebase-realtime";

/** Messages the hub sends. */
export type ServerMessage =
  | { type: "event"; topic: string; action: string; record: unknown; seq: number }
  | { type: "subscribed"; topic: string; seq: number }
  | { type: "unsubscribed"; topic: string }
  | { type: "resync"; topic: string; seq: number }
  | { type: "presence"; topic: string; members: PresenceMember[] }
  | { type: "join" | "leave"; topic: string; member: PresenceMember }
  | { type: "broadcast"; topic: string; data: unknown; from: PresenceMember }
  | { type: "message"; topic: string; data: unknown }
  | { type: "error"; code: string; message: string; topic?: string };

/** A member of a presence room: the connection id and, when signed in, who it is. */
export interface PresenceMember {
  connectionId: string;
  userId: string | null;
  collectionName: string | null;
}
