/**
 * The delivery queue (Cloudflare Queues, binding `WEBHOOKS`): committed outbox rows are sent as `{ id }`
 * messages; the consumer tries each once and schedules the next attempt as a delayed message.
 */
import type { CollectionStore } from "../collections/store";
import type { Logger } from "../observability/logger";
import { type DeliveryDeps, deliverOne } from "./deliver";
import { retryDelays } from "./retry";

/** One queue message: the `_webhookDeliveries` id to deliver. */
export interface DeliveryMessage {
  id: string;
}

/** The bindings and variables webhook delivery reads. */
export interface WebhookEnv {
  DB: D1Database;
  WEBHOOKS?: Queue;
  EDGEBASE_DEV?: string;
  /** Comma-separated retry delays in seconds (webhooks/retry.ts); tests use short ones. */
  EDGEBASE_WEBHOOK_RETRY_DELAYS?: string;
}

/** Queues accept at most 100 messages per sendBatch. */
const SEND_BATCH = 100;

/**
 * Sends delivery ids to the queue, delayed by `delaySeconds`. Without a queue binding it does nothing: the
 * cron sweep (webhooks/sweep.ts) then delivers pending rows itself.
 */
export async function enqueueDeliveries(
  env: WebhookEnv,
  ids: readonly string[],
  delaySeconds = 0,
): Promise<void> {
  const queue = env.WEBHOOKS;
  if (!queue) return;
  for (let i = 0; i < ids.length; i += SEND_BATCH) {
    await queue.sendBatch(
      ids.slice(i, i + SEND_BATCH).map((id) => ({ body: { id } satisfies DeliveryMessage, delaySeconds })),
    );
  }
}

/** The delivery deps of a Worker environment. */
export function deliveryDeps(env: WebhookEnv, store: CollectionStore, log?: Logger): DeliveryDeps {
  return {
    db: env.DB,
    store,
    dev: env.EDGEBASE_DEV === "1",
    delays: retryDelays(env.EDGEBASE_WEBHOOK_RETRY_DELAYS),
    log,
  };
}

function isDeliveryMessage(body: unknown): body is DeliveryMessage {
  return typeof body === "object" && body !== null && typeof (body as DeliveryMessage).id === "string";
}

/**
 * The queue consumer: messages are handled one after another (a batch may hold several events of one record,
 * in order). A message whose delivery must wait is acked and re-sent delayed; one that threw is retried by
 * the queue.
 */
export async function consumeDeliveries(
  batch: MessageBatch<unknown>,
  env: WebhookEnv,
  store: CollectionStore,
  log?: Logger,
): Promise<void> {
  const deps = deliveryDeps(env, store, log);
  for (const message of batch.messages) {
    if (!isDeliveryMessage(message.body)) {
      message.ack();
      continue;
    }
    try {
      const step = await deliverOne(deps, message.body.id);
      if (!step.done) await enqueueDeliveries(env, [message.body.id], step.delaySeconds);
      message.ack();
    } catch (err) {
      log?.error("webhook delivery crashed", {
        delivery: message.body.id,
        error: err instanceof Error ? err.message : String(err),
      });
      message.retry({ delaySeconds: 5 });
    }
  }
}
