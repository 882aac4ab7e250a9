/** What the Worker decides before forwarding a WebSocket: which hub, who, from where to resume, room rights. */

import { z } from "zod";
import type { SchemaSnapshot } from "../collections/store";
import { notFound, validationError } from "../lib/errors";
import { parseInput } from "../lib/parse-input";
import type { RuleContext } from "../rules/context";
import { allowsLocally } from "./match";
import { type ConnectInfo, DEFAULT_LIMITS, type RealtimeLimits } from "./protocol";
import { referencedHeaders } from "./rule-headers";
import { hubName, parseCustomTopic, shardOf } from "./topics";

/** Who may use rooms (`null` = superusers only, `""` = everyone); evaluated against the record `{id: ROOM}`. */
export interface RoomRules {
  /** Subscribing to `presence/ROOM` and `broadcast/ROOM`. Default: signed-in callers. */
  joinRule?: string | null;
  /** Sending to `broadcast/ROOM`. Default: signed-in callers. */
  broadcastRule?: string | null;
}

/** Realtime settings of an app. */
export interface RealtimeOptions {
  limits?: Partial<RealtimeLimits>;
  rooms?: RoomRules;
  /** Shards per collection hub (see topics.ts). Default 1. */
  shards?: number;
}

const SIGNED_IN = '@request.auth.id != ""';
const NAME = /^[\w.-]{1,100}$/;

/**
 * The query of `GET /api/realtime/ws`: exactly one of `collection`, `room` and `channel` (the first segment of
 * custom topics: `chat` for `chat/room1`); `since`; a shard `key`.
 */
export const connectQuerySchema = z
  .object({
    collection: z.string().regex(NAME).optional(),
    room: z.string().regex(NAME).optional(),
    channel: z.string().regex(NAME).optional(),
    since: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
    key: z.string().min(1).max(100).optional(),
  })
  .refine((q) => [q.collection, q.room, q.channel].filter((v) => v !== undefined).length === 1, {
    message: "Pass exactly one of the collection, room and channel query parameters.",
  });

/**
 * The hub's object name and the info forwarded to it; a bad query is a 400, an unknown collection a 404, a
 * channel that is a room word or a collection's name a 400 (its topics would be room or record topics).
 */
export function connectInfo(
  query: Record<string, string>,
  ctx: RuleContext,
  snapshot: SchemaSnapshot,
  options: RealtimeOptions = {},
): ConnectInfo & { hubName: string } {
  const q = parseInput(connectQuerySchema, query, { message: "Invalid realtime query.", root: "query" });
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const base = { auth: ctx.auth, since: q.since, limits, headers: {} };
  if (q.room !== undefined) {
    const hub = { kind: "room" as const, name: q.room };
    const rules = options.rooms ?? {};
    const room = {
      join: allows(rules.joinRule === undefined ? SIGNED_IN : rules.joinRule, q.room, ctx),
      broadcast: allows(rules.broadcastRule === undefined ? SIGNED_IN : rules.broadcastRule, q.room, ctx),
    };
    // Rooms are one object each: presence needs every member in one place.
    return { ...base, hub, room, hubName: hubName(hub) };
  }
  if (q.channel !== undefined) {
    if (!parseCustomTopic(q.channel) || snapshot.find(q.channel)) {
      throw validationError(
        "channel",
        "validation_invalid_channel",
        "A channel may not be a collection's name, presence or broadcast.",
      );
    }
    const hub = { kind: "channel" as const, name: q.channel };
    const shard = shardOf(q.key ?? ctx.auth?.id ?? crypto.randomUUID(), options.shards ?? 1);
    return { ...base, hub, hubName: hubName(hub, shard) };
  }
  const collection = snapshot.find(q.collection as string);
  if (!collection) throw notFound("Missing collection context.");
  const hub = { kind: "collection" as const, name: collection.name };
  const shard = shardOf(q.key ?? ctx.auth?.id ?? crypto.randomUUID(), options.shards ?? 1);
  const headers = referencedHeaders([collection.listRule, collection.viewRule], ctx.headers);
  return { ...base, headers, hub, hubName: hubName(hub, shard) };
}

/** A room rule decided locally; rules that would need the database deny. */
function allows(rule: string | null, room: string, ctx: RuleContext): boolean {
  return allowsLocally(rule, { id: room }, ctx);
}
