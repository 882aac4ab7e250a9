/**
 * Realtime topics (`coll/*`, `coll/ID`, `presence/ROOM`, `broadcast/ROOM`, custom topics such as `chat/room1`) and
 * hub naming with shards.
 */
import { fnv1a32 } from "../lib/bytes";

/** Longest topic accepted (PocketBase caps a subscription at 2,500 characters, options included). */
export const MAX_TOPIC_LENGTH = 300;

const NAME = /^[\w.-]{1,100}$/;

/** A parsed topic: a collection's records, a room's presence or broadcast channel, or a custom topic. */
export type Topic =
  | { kind: "records"; collection: string; recordId: "*" | string }
  | { kind: "presence"; room: string }
  | { kind: "broadcast"; room: string }
  | CustomTopic;

/** A custom topic (`chat/room1`): published by app code, held by the hub of its first segment, its channel. */
export interface CustomTopic {
  kind: "custom";
  channel: string;
  topic: string;
}

/** Segments a custom topic may have (`a/b/c/…`). */
export const MAX_CUSTOM_TOPIC_SEGMENTS = 8;

/** First segments that are not channels: rooms own them. */
const ROOM_HEADS = new Set(["presence", "broadcast"]);

/** The topic the SDK's `authWithOAuth2()` waits on (realtime/oauth2-redirect.ts delivers it). */
export const OAUTH2_TOPIC = "@oauth2";

/**
 * PocketBase's system topics, which name no hub: `@oauth2` carries an OAuth2 result to the one SSE client that
 * waits for it. Subscribing to one is accepted; what it receives is its client object's business.
 */
export const SYSTEM_TOPICS: ReadonlySet<string> = new Set([OAUTH2_TOPIC]);

/**
 * Parses a custom topic: 1 to {@link MAX_CUSTOM_TOPIC_SEGMENTS} names (word characters, `.`, `-`; not dots only)
 * joined by `/`, at most {@link MAX_TOPIC_LENGTH} characters, not starting with `presence` or `broadcast`.
 * Undefined otherwise.
 * Whether the first segment names a collection (then it is a record topic, not a custom one) is the caller's
 * to check: it needs the schema.
 */
export function parseCustomTopic(text: string): CustomTopic | undefined {
  if (text.length > MAX_TOPIC_LENGTH) return undefined;
  const segments = text.split("/");
  // Dot-only names (`..`) read like paths in logs and URLs: refused, though they would be harmless here.
  const valid = (s: string) => NAME.test(s) && !/^\.+$/.test(s);
  if (segments.length > MAX_CUSTOM_TOPIC_SEGMENTS || !segments.every(valid)) return undefined;
  const channel = segments[0] as string;
  if (ROOM_HEADS.has(channel)) return undefined;
  return { kind: "custom", channel, topic: text };
}

/** Parses a topic; undefined when it is malformed. Names are word characters, `.` and `-`. */
export function parseTopic(text: string): Topic | undefined {
  if (text.length > MAX_TOPIC_LENGTH) return undefined;
  const slash = text.indexOf("/");
  if (slash <= 0) return undefined;
  const head = text.slice(0, slash);
  const tail = text.slice(slash + 1);
  if (head === "presence" || head === "broadcast") {
    return NAME.test(tail) ? { kind: head, room: tail } : undefined;
  }
  if (!NAME.test(head) || (tail !== "*" && !NAME.test(tail))) return undefined;
  return { kind: "records", collection: head, recordId: tail };
}

/** Which hub a topic lives in: the collection's, the room's (presence and broadcast share one), or the channel's. */
export function hubOf(topic: Topic): HubKey {
  if (topic.kind === "records") return { kind: "collection", name: topic.collection };
  if (topic.kind === "custom") return { kind: "channel", name: topic.channel };
  return { kind: "room", name: topic.room };
}

/** Identifies one hub (before sharding). */
export interface HubKey {
  kind: "collection" | "room" | "channel";
  name: string;
}

const PREFIX = { collection: "c", room: "r", channel: "t" } as const;

/**
 * The Durable Object name of one shard of a hub. Hubs are named by the lower-cased name (collection names are
 * case-insensitive) so publishers and subscribers meet without a lookup.
 */
export function hubName(key: HubKey, shard = 0): string {
  return `${PREFIX[key.kind]}:${key.name.toLowerCase()}#${shard}`;
}

/**
 * Sharding: a hub may be split over `shards` objects. A subscriber lands on `shardOf(key, shards)` where `key` is
 * stable for that client (its auth id, or a client-chosen `key`), so a reconnect finds the same event log; a
 * publisher fans each event out to every shard. One shard (the default) means one object per collection.
 */
export function shardOf(key: string, shards: number): number {
  if (shards <= 1) return 0;
  return fnv1a32(key) % shards;
}
