/** `POST /api/realtime` input: PocketBase's {clientId, subscriptions} with `?options=` per topic, grouped by hub. */

import { z } from "zod";
import type { SchemaSnapshot } from "../collections/store";
import { badRequest } from "../lib/errors";
import { parseInput } from "../lib/parse-input";
import { parseExpand, parseFields } from "../records/query-params";
import { parseFilter } from "../rules/cache";
import type { RuleContext } from "../rules/context";
import type { HubSubscriptions } from "./client";
import type { Subscription } from "./protocol";
import { referencedHeaders } from "./rule-headers";
import { checkSubscriptionFilter } from "./subscription-filter";
import { hubName, parseTopic, shardOf } from "./topics";

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
 * Turns the SDK's topic strings into per-hub subscriptions. Record topics of unknown collections and custom
 * topics are accepted and simply never receive anything (PocketBase keeps them too); bad options are a 400, and
 * filters are checked for the caller in `ctx` as REST checks `?filter=` (hidden fields 400, `@request.*` 403).
 */
export function groupSubscriptions(
  snapshot: SchemaSnapshot,
  input: SetSubscriptionsInput,
  ctx: RuleContext,
  shards = 1,
): HubSubscriptions[] {
  const groups = new Map<string, Subscription[]>();
  for (const key of new Set(input.subscriptions)) {
    const [topicText = "", query = ""] = splitOnce(key, "?");
    const topic = parseTopic(topicText);
    if (topic?.kind !== "records") continue;
    const collection = snapshot.find(topic.collection);
    if (!collection) continue;
    const sub: Subscription = {
      key,
      topic: `${collection.name}/${topic.recordId}`,
      ...subscriptionOptions(key, query),
    };
    if (sub.filter) checkSubscriptionFilter(snapshot, collection.name, sub.filter, ctx);
    if (sub.headers) sub.headers = referencedHeaders([collection.listRule, collection.viewRule], sub.headers);
    const hub = hubName({ kind: "collection", name: collection.name }, shardOf(input.clientId, shards));
    groups.set(hub, [...(groups.get(hub) ?? []), sub]);
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
