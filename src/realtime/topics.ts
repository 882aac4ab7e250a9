/** Realtime topics (`coll/*`, `coll/ID`, `presence/ROOM`, `broadcast/ROOM`) and hub naming with shards. */
import { fnv1a32 } from "../lib/bytes";

/** Longest topic accepted (PocketBase caps a subscription at 2,500 characters, options included). */
export const MAX_TOPIC_LENGTH = 300;

const NAME = /^[\w.-]{1,100}$/;

/** A parsed topic: a collection's records, or a room's presence or broadcast channel. */
export type Topic =
  | { kind: "records"; collection: string; recordId: "*" | string }
  | { kind: "presence"; room: string }
  | { kind: "broadcast"; room: string };

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

/** Which hub a topic lives in: the collection's, or the room's (presence and broadcast share one). */
export function hubOf(topic: Topic): HubKey {
  return topic.kind === "records"
    ? { kind: "collection", name: topic.collection }
    : { kind: "room", name: topic.room };
}

/** Identifies one hub (before sharding). */
export interface HubKey {
  kind: "collection" | "room";
  name: string;
}

/**
 * The Durable Object name of one shard of a hub. Collection hubs are named by the collection's lower-cased name
 * (names are case-insensitive) so publishers and subscribers meet without a lookup.
 */
export function hubName(key: HubKey, shard = 0): string {
  return `${key.kind === "collection" ? "c" : "r"}:${key.name.toLowerCase()}#${shard}`;
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
