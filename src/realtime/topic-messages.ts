/**
 * Messages to custom topics (`chat/room1`): what a publisher may send (a bounded JSON payload and a rule over
 * `@request.*`), and which of a hub's WebSocket and SSE subscriptions a message goes to.
 */
import { ruleContext } from "../auth/rule-context";
import { badRequest } from "../lib/errors";
import { parseFilter } from "../rules/cache";
import type { RuleContext } from "../rules/context";
import { collectIdentifiers } from "../rules/identifiers";
import { customTopicKey } from "./connections";
import type { FanOutHub, Target } from "./fan-out";
import { allowsLocally } from "./match";
import { type CustomTopic, parseCustomTopic } from "./topics";

/** Largest payload of one message, as JSON in UTF-8 bytes (an SSE client buffers at most 4 MiB of them). */
export const MAX_MESSAGE_BYTES = 64 * 1024;

/** Longest rule a message may carry (a collection rule's bound). */
export const MAX_MESSAGE_RULE_LENGTH = 2_000;

/** A message as hubs receive it: the topic, the JSON payload, and who may receive it. */
export interface TopicMessage {
  topic: string;
  data: unknown;
  /** Checked per subscriber: `""` everyone, `null` superusers only, else a rule over `@request.*`. */
  rule: string | null;
}

/** Options of a publish: the rule each subscriber must pass (default: every subscriber of the topic). */
export interface PublishOptions {
  rule?: string | null;
}

/**
 * Validates a publish: a custom topic name (400), a payload that is JSON within {@link MAX_MESSAGE_BYTES} (400),
 * and a rule that parses and reads only `@request.*` (a TypeError: rules are the app's code, not the client's).
 */
export function topicMessage(
  topic: unknown,
  payload: unknown,
  options: PublishOptions = {},
): { message: TopicMessage; custom: CustomTopic } {
  const custom = typeof topic === "string" ? parseCustomTopic(topic) : undefined;
  if (!custom) {
    throw badRequest(
      "Invalid realtime topic: 1 to 8 names of letters, digits, _ . - joined by /, not starting with presence or broadcast.",
    );
  }
  let json: string | undefined;
  try {
    json = JSON.stringify(payload);
  } catch (cause) {
    throw badRequest("The realtime message must be JSON.", {}, cause);
  }
  if (json === undefined) throw badRequest("The realtime message must be JSON.");
  const bytes = new TextEncoder().encode(json).length;
  if (bytes > MAX_MESSAGE_BYTES) {
    throw badRequest(`The realtime message is ${bytes} bytes; at most ${MAX_MESSAGE_BYTES} are allowed.`);
  }
  const rule = options.rule === undefined ? "" : options.rule;
  if (rule !== null) checkRule(rule);
  return { message: { topic: custom.topic, data: JSON.parse(json), rule }, custom };
}

function checkRule(rule: unknown): void {
  if (typeof rule !== "string") throw new TypeError("realtime.publish: the rule must be a string or null");
  if (rule.length > MAX_MESSAGE_RULE_LENGTH)
    throw new TypeError(`realtime.publish: the rule is longer than ${MAX_MESSAGE_RULE_LENGTH} characters`);
  if (rule.trim() === "") return;
  // A message has no row: a field or @collection.* would always deny, so it is refused where it is written.
  let identifiers: ReturnType<typeof collectIdentifiers>;
  try {
    identifiers = collectIdentifiers(parseFilter(rule));
  } catch (cause) {
    throw new TypeError(`realtime.publish: the rule does not parse: ${String(cause)}`, { cause });
  }
  const outside = identifiers.find((id) => id.scope !== "request");
  if (outside) throw new TypeError(`realtime.publish: the rule may read only @request.*, not ${outside.raw}`);
}

/** True when the subscriber in `ctx` may receive `message`. */
export function messageAllows(message: TopicMessage, ctx: RuleContext): boolean {
  return allowsLocally(message.rule, {}, ctx);
}

/** Every subscription of this hub to the message's topic: sockets through the index, SSE clients by scan. */
export function messageTargets(hub: FanOutHub, message: TopicMessage): Target[] {
  const targets: Target[] = [];
  const candidate = (auth: Target["candidate"]["ctx"]["auth"], headers: Record<string, string>) => ({
    ctx: ruleContext({ auth, headers, context: "realtime" }),
    rule: message.rule,
  });
  for (const ws of hub.connections.sockets(customTopicKey(message.topic))) {
    const state = hub.connections.get(ws);
    const sub = state?.subs.find((s) => s.custom && s.topic === message.topic);
    if (state && sub) targets.push({ ws, sub, candidate: candidate(state.auth, state.headers) });
  }
  for (const [clientId, client] of hub.remote.clients) {
    // One per key: an SSE client may hold a topic under several keys (`?options=`), each with its listener.
    for (const sub of client.subs) {
      if (sub.custom && sub.topic === message.topic)
        targets.push({ clientId, sub, candidate: candidate(client.auth, {}) });
    }
  }
  return targets;
}
