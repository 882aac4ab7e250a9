/** `app.realtime` / `e.realtime`: publishing a message to a custom topic from hooks and custom routes. */
import { badRequest } from "../lib/errors";
import type { HubNamespace } from "./publish";
import { type PublishOptions, topicMessage } from "./topic-messages";
import { hubName } from "./topics";

/** What a publish came to: how many subscriptions (sockets and SSE clients) the message went to. */
export interface PublishResult {
  delivered: number;
}

/** Publishes messages to custom realtime topics (README "Custom topics"). */
export interface RealtimePublisher {
  /**
   * Sends `payload` (JSON, at most 64 KiB) to every WebSocket and SSE subscriber of `topic` whose auth passes
   * `options.rule` (default: every subscriber; `null`: superusers only; else a rule over `@request.*`).
   * Resolves once every hub shard has handed it on. A malformed topic, a topic whose first segment is a
   * collection, or a payload that is not JSON or too big is a 400 ApiError; a bad rule a TypeError.
   */
  publish(topic: string, payload: unknown, options?: PublishOptions): Promise<PublishResult>;
}

/** What a publisher reaches: the hubs, whether a name is a collection's, and the shards per channel. */
export interface PublisherDeps {
  hubs: () => HubNamespace;
  isCollection: (name: string) => Promise<boolean>;
  /** Shards per channel hub, as for collections (every shard gets every message). Default 1. */
  shards?: number;
}

/** The publisher of an app with realtime on. */
export function realtimePublisher(deps: PublisherDeps): RealtimePublisher {
  const shards = Math.max(1, Math.trunc(deps.shards ?? 1));
  return {
    async publish(topic, payload, options) {
      const { message, custom } = topicMessage(topic, payload, options);
      // Its subscribers' `chat/…` would be record topics of the collection: the message could reach no one.
      if (await deps.isCollection(custom.channel)) {
        throw badRequest(`"${custom.channel}" is a collection: its topics carry record events only.`);
      }
      const ns = deps.hubs();
      const results = await Promise.all(
        Array.from({ length: shards }, (_, shard) =>
          ns
            .get(ns.idFromName(hubName({ kind: "channel", name: custom.channel }, shard)))
            .publishMessage(message),
        ),
      );
      return { delivered: results.reduce((sum, r) => sum + r.delivered, 0) };
    },
  };
}

/** The publisher of an app built with `realtime: false`: every publish fails, saying why. */
export const realtimeOff: RealtimePublisher = {
  async publish() {
    throw new Error("realtime.publish: realtime is off (createEdgebase({ realtime: false }))");
  },
};
