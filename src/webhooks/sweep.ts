/**
 * The sweep (built-in cron `__webhooksSweep__`): pending deliveries whose time passed a while ago were never
 * handed to the queue (the Worker died between the commit and the send) or lost their delayed message;
 * they are sent again. Without a queue binding the sweep delivers them itself.
 */
import { quoteIdent } from "../db/sql";
import { formatTimestamp } from "../lib/time";
import { type DeliveryDeps, deliverOne } from "./deliver";
import { DELIVERIES } from "./names";
import { enqueueDeliveries, type WebhookEnv } from "./queue";

/** A pending delivery this long past its time counts as lost (the queue normally takes seconds). */
export const SWEEP_GRACE_MS = 5 * 60 * 1000;

/** At most this many deliveries per sweep (the next run takes the rest). */
const SWEEP_LIMIT = 100;

/** Re-sends lost pending deliveries, oldest first; returns their ids. */
export async function sweepDeliveries(
  env: WebhookEnv,
  deps: DeliveryDeps,
  now = new Date(),
): Promise<string[]> {
  const cutoff = formatTimestamp(new Date(now.getTime() - SWEEP_GRACE_MS));
  const { results } = await env.DB.prepare(
    `SELECT id FROM ${quoteIdent(DELIVERIES)} WHERE status = 'pending' AND nextAttemptAt < ? ORDER BY rowid LIMIT ?`,
  )
    .bind(cutoff, SWEEP_LIMIT)
    .all<{ id: string }>();
  const ids = results.map((r) => r.id);
  if (env.WEBHOOKS) {
    await enqueueDeliveries(env, ids);
  } else {
    for (const id of ids) await deliverOne(deps, id, now);
  }
  return ids;
}
