/** Names of the webhooks system collections and the delivery statuses (migrations/0007_webhooks.sql). */

/** What to send where: superuser-managed records. */
export const WEBHOOKS = "_webhooks";
/** The outbox: one record per delivery of one event to one webhook. */
export const DELIVERIES = "_webhookDeliveries";

/** A delivery's status. */
export type DeliveryStatus = "pending" | "delivered" | "failed";

/** True for the webhooks' own collections: writes to them never trigger webhooks (no loops). */
export function isWebhooksCollection(name: string): boolean {
  return name === WEBHOOKS || name === DELIVERIES;
}
