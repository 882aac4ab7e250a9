/** `POST /api/realtime` input: PocketBase's {clientId, subscriptions} with `?options=` per topic, grouped by hub. */

import { z } from "zod";
import type { SchemaSnapshot } from "../collections/store";
import { badRequest } from "../lib/errors";
import { parseInput } from "../lib/parse-input";
import { parseExpand, parseFields } from "../records/query-params";
import { parseFilter } from "../rules/cache";
import type { RuleContext } from "../rules/context";
import type { HubSubscriptions } from "./client";
import { DEFAULT_LIMITS, type Subscription } from "./protocol";
import { referencedHeaders } from "./rule-headers";
import { checkSubscriptionFilter } from "./subscription-filter";
import { hubName, parseCustomTopic, parseTopic, SYSTEM_TOPICS, shardOf } from "./topics";

/** PocketBase's limits: a client id of at most 255 characters, 1,000 topics of at most 2,500 characters each. */
export const setSubscriptionsSchema = z.object({
  clientId: z.string().min(1).max(255),
  subscriptions: z.array(z.string().max(2_500)).max(1_000).default([]),
});

/** A validated `POST /api/realtime` body. */
export type SetSubscriptionsInput = z.output<typeof setSubscriptionsSchema>;

const optionsSchema = z.object({
  query: z.record(z.string(), z.unknown()).optional(),
  headers: z.record(z.string(), z.string()).optional(),
});

/** Validates the body; a bad one is a 400 naming the field, as PocketBase does. */
export function parseSetSubscriptions(body: unknown): SetSubscriptionsInput {
  return parseInput(setSubscriptionsSchema, body, { root: "clientId" });
}

/**
 * Turns the SDK's topic strings into per-hub subscriptions: `coll/*` and `coll/ID` of an existing collection go
 * to its hub, custom topics (`chat/room1`, topics.ts) to their channel's hub, at most `maxCustom` of them; system
 * topics (`@oauth2`) to no hub. Anything else is a 400 naming the topic, as are bad options and options on a
 * custom topic; filters are checked for the caller in `ctx` as REST checks `?filter=` (hidden fields 400,
 * `@request.*` 403).
 */
export function groupSubscriptions(
  snapshot: SchemaSnapshot,
  input: SetSubscriptionsInput,
  ctx: RuleContext,
  shards = 1,
  maxCustom = DEFAULT_LIMITS.maxSubscriptions,
): HubSubscriptions[] {
  const groups = new Map<string, Subscription[]>();
  const add = (hub: string, sub: Subscription) => groups.set(hub, [...(groups.get(hub) ?? []), sub]);
  const shard = shardOf(input.clientId, shards);
  let custom = 0;
  for (const key of new Set(input.subscriptions)) {
    const [topicText = "", query = ""] = splitOnce(key, "?");
    if (SYSTEM_TOPICS.has(topicText)) continue;
    const topic = parseTopic(topicText);
    const collection = topic?.kind === "records" ? snapshot.find(topic.collection) : undefined;
    if (collection && topic?.kind === "records") {
      const sub: Subscription = {
        key,
        topic: `${collection.name}/${topic.recordId}`,
        ...subscriptionOptions(key, query),
      };
      if (sub.filter) checkSubscriptionFilter(snapshot, collection.name, sub.filter, ctx);
      if (sub.headers)
        sub.headers = referencedHeaders([collection.listRule, collection.viewRule], sub.headers);
      add(hubName({ kind: "collection", name: collection.name }, shard), sub);
      continue;
    }
    const named = parseCustomTopic(topicText);
    if (!named || snapshot.find(named.channel)) {
      throw badRequest(
        `Invalid subscription "${key.slice(0, 100)}": expected COLLECTION/* or COLLECTION/ID of an existing collection, or a custom topic (1 to 8 names of letters, digits, _ . - joined by /, not starting with a collection's name, presence or broadcast).`,
      );
    }
    const { filter, fields, expand } = subscriptionOptions(key, query);
    if (filter || fields || expand)
      throw badRequest(`Custom topic "${key.slice(0, 100)}" takes no filter, fields or expand.`);
    if (++custom > maxCustom) throw badRequest(`At most ${maxCustom} custom topics per client.`);
    add(hubName({ kind: "channel", name: named.channel }, shard), { key, topic: named.topic, custom: true });
  }
  return [...groups].map(([hub, subs]) => ({ hub, subs }));
}

function subscriptionOptions(
  key: string,
  query: string,
): Pick<Subscription, "filter" | "fields" | "expand" | "headers"> {
  const raw = new URLSearchParams(query).get("options");
  if (!raw) return {};
  let options: z.output<typeof optionsSchema>;
  try {
    options = optionsSchema.parse(JSON.parse(raw));
  } catch (cause) {
    throw badRequest(`Invalid options of subscription "${key.slice(0, 100)}".`, {}, cause);
  }
  const filter = nonEmpty(options.query?.filter);
  const fields = nonEmpty(options.query?.fields);
  const expand = nonEmpty(options.query?.expand);
  try {
    if (filter) parseFilter(filter);
    if (fields) parseFields(fields);
    if (expand) parseExpand(expand);
  } catch (cause) {
    throw badRequest(`Invalid filter, fields or expand in subscription "${key.slice(0, 100)}".`, {}, cause);
  }
  const headers = options.headers ? normalizeHeaders(options.headers) : undefined;
  return {
    ...(filter && { filter }),
    ...(fields && { fields }),
    ...(expand && { expand }),
    ...(headers && { headers }),
  };
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** `@request.headers.*` naming: lower case, `-` as `_`. */
function normalizeHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([k, v]) => [k.toLowerCase().replaceAll("-", "_"), v]),
  );
}

function splitOnce(text: string, sep: string): [string, string] {
  const i = text.indexOf(sep);
  return i < 0 ? [text, ""] : [text.slice(0, i), text.slice(i + 1)];
}
