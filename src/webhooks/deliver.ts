/**
 * Delivering one outbox row: keep the record's order, render the payload as a guest sees it, sign and POST
 * it, then record the outcome (delivered, pending with the next attempt's time, or failed).
 */
import type { CollectionStore } from "../collections/store";
import { quoteIdent } from "../db/sql";
import { formatTimestamp, parseTimestamp } from "../lib/time";
import type { Logger } from "../observability/logger";
import { toRecordJson } from "../records/record-json";
import { guestContext } from "../rules/context";
import { DELIVERIES, WEBHOOKS } from "./names";
import { nextDelay } from "./retry";
import { postDelivery, type SendLimits, type SendResult, signedHeaders } from "./send";
import { unsafeUrlReason } from "./url-safety";

/** What delivering needs. */
export interface DeliveryDeps {
  db: D1Database;
  store: CollectionStore;
  /** Local development (`EDGEBASE_DEV=1`): private and loopback receivers are allowed. */
  dev: boolean;
  /** Seconds between attempts (webhooks/retry.ts); attempts in all = length + 1. */
  delays: readonly number[];
  limits?: SendLimits;
  log?: Logger;
}

/** What became of a delivery message: done with it, or to be tried again after `delaySeconds`. */
export type DeliveryStep = { done: true } | { done: false; delaySeconds: number };

interface DeliveryRow {
  id: string;
  webhook: string;
  type: string;
  collection: string;
  recordId: string;
  payload: string | null;
  status: string;
  attempts: number;
  created: string;
  seq: number;
  url: string | null;
  secret: string | null;
  active: number | null;
}

const D = quoteIdent(DELIVERIES);

/** The JSON body of a delivery: `{ type, timestamp, data: { collection, record } }`, the record as a guest sees it. */
export async function deliveryBody(
  deps: Pick<DeliveryDeps, "db" | "store">,
  row: DeliveryRow,
): Promise<string> {
  let stored: Record<string, unknown> = {};
  try {
    stored = row.payload ? (JSON.parse(row.payload) as Record<string, unknown>) : {};
  } catch {
    // A payload edited into invalid JSON by hand: the event still goes out, without the record's fields.
  }
  const { collection } = await deps.store.find(deps.db, row.collection);
  const record = collection ? toRecordJson(collection, stored, guestContext()) : stored;
  return JSON.stringify({
    type: row.type,
    timestamp: row.created,
    data: { collection: row.collection, record },
  });
}

/** Seconds until an earlier pending delivery of the same record to the same webhook is due, if there is one. */
async function earlierPending(db: D1Database, row: DeliveryRow, now: Date): Promise<number | undefined> {
  const earlier = await db
    .prepare(
      `SELECT nextAttemptAt FROM ${D} WHERE webhook = ? AND collection = ? AND recordId = ? AND status = 'pending' AND rowid < ? ORDER BY rowid LIMIT 1`,
    )
    .bind(row.webhook, row.collection, row.recordId, row.seq)
    .first<{ nextAttemptAt: string }>();
  if (!earlier) return undefined;
  const due = parseTimestamp(earlier.nextAttemptAt)?.getTime() ?? now.getTime();
  return Math.max(1, Math.ceil((due - now.getTime()) / 1000) + 1);
}

async function record(
  db: D1Database,
  row: DeliveryRow,
  result: SendResult,
  status: "delivered" | "pending" | "failed",
  next: Date,
  now: Date,
): Promise<void> {
  await db
    .prepare(
      `UPDATE ${D} SET status = ?, attempts = attempts + 1, lastStatus = ?, error = ?, nextAttemptAt = ?, updated = ? WHERE id = ? AND status = 'pending'`,
    )
    .bind(status, result.status, result.error, formatTimestamp(next), formatTimestamp(now), row.id)
    .run();
}

/**
 * Tries delivery `id` once. Skips it when it is no longer pending (already delivered, failed, or deleted);
 * waits while an earlier delivery of the same record to the same webhook is pending (order per record).
 */
export async function deliverOne(deps: DeliveryDeps, id: string, now = new Date()): Promise<DeliveryStep> {
  const row = await deps.db
    .prepare(
      `SELECT d.id, d.webhook, d.type, d.collection, d.recordId, d.payload, d.status, d.attempts, d.created, d.rowid AS seq, w.url, w.secret, w.active FROM ${D} d LEFT JOIN ${quoteIdent(WEBHOOKS)} w ON w.id = d.webhook WHERE d.id = ?`,
    )
    .bind(id)
    .first<DeliveryRow>();
  if (row?.status !== "pending") return { done: true };
  const wait = await earlierPending(deps.db, row, now);
  if (wait !== undefined) return { done: false, delaySeconds: wait };
  const attempt = Number(row.attempts) + 1;
  const refused = (error: string): SendResult => ({ ok: false, status: 0, error });
  if (row.url === null || row.secret === null) {
    await record(deps.db, row, refused("The webhook no longer exists."), "failed", now, now);
    return { done: true };
  }
  if (!row.active) {
    await record(deps.db, row, refused("The webhook is not active."), "failed", now, now);
    return { done: true };
  }
  const unsafe = unsafeUrlReason(row.url, { dev: deps.dev });
  if (unsafe) {
    await record(deps.db, row, refused(unsafe), "failed", now, now);
    return { done: true };
  }
  const body = await deliveryBody(deps, row);
  const result = await postDelivery(row.url, body, signedHeaders(row.secret, row.id, body, now), deps.limits);
  if (result.ok) {
    await record(deps.db, row, result, "delivered", now, now);
    return { done: true };
  }
  const delay = nextDelay(deps.delays, attempt);
  deps.log?.warn("webhook delivery failed", {
    delivery: row.id,
    webhook: row.webhook,
    attempt,
    error: result.error,
  });
  if (delay === undefined) {
    await record(deps.db, row, result, "failed", now, now);
    return { done: true };
  }
  await record(deps.db, row, result, "pending", new Date(now.getTime() + delay * 1000), now);
  return { done: false, delaySeconds: delay };
}
