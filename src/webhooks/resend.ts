/** Re-sending a delivery (superusers): back to pending with a fresh attempt count, then queued at once. */
import { quoteIdent } from "../db/sql";
import { notFound } from "../lib/errors";
import { isValidId } from "../lib/ids";
import { formatTimestamp } from "../lib/time";
import { DELIVERIES } from "./names";
import { enqueueDeliveries, type WebhookEnv } from "./queue";

/**
 * Marks delivery `id` pending again (attempts 0, error cleared) and queues it; the receiver gets the same
 * `webhook-id`, so it can tell a re-send from a new event. 404 when there is no such delivery.
 */
export async function resendDelivery(env: WebhookEnv, id: string, now = new Date()): Promise<void> {
  if (!isValidId(id)) throw notFound();
  const at = formatTimestamp(now);
  const updated = await env.DB.prepare(
    `UPDATE ${quoteIdent(DELIVERIES)} SET status = 'pending', attempts = 0, lastStatus = 0, error = '', nextAttemptAt = ?, updated = ? WHERE id = ? RETURNING id`,
  )
    .bind(at, at, id)
    .first<{ id: string }>();
  if (!updated) throw notFound();
  await enqueueDeliveries(env, [id]);
}
