/** Webhooks without code: the outbox, delivery through Cloudflare Queues, the sweep and re-sends. */
export { ACTIVE_WEBHOOKS_TTL_MS, ActiveWebhooks } from "./active";
export { type DeliveryDeps, type DeliveryStep, deliverOne } from "./deliver";
export { DELIVERIES, WEBHOOKS } from "./names";
export { webhookOutbox } from "./outbox";
export {
  consumeDeliveries,
  type DeliveryMessage,
  deliveryDeps,
  enqueueDeliveries,
  type WebhookEnv,
} from "./queue";
export { resendDelivery } from "./resend";
export { SWEEP_GRACE_MS, sweepDeliveries } from "./sweep";
