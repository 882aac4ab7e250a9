/**
 * The webhook outbox: for each write, one `INSERT … SELECT … RETURNING id` per matching webhook, run in the
 * write's own D1 batch (records/outbox.ts). The SELECT reads the written row, so the webhook's filter is just
 * its WHERE and the payload is the row as committed: a write and its deliveries commit together or not at all.
 */
import type { Collection } from "../collections/collection";
import type { D1Like } from "../db/sql";
import { quoteIdent, quoteString } from "../db/sql";
import type { ErrorData } from "../lib/errors";
import { newId } from "../lib/ids";
import { formatTimestamp } from "../lib/time";
import type { Logger } from "../observability/logger";
import { compileText, scopeFor, termSql } from "../records/compile";
import type { Outbox, OutboxStatements, PlannedChange } from "../records/outbox";
import { isSecretField } from "../records/record-json";
import { guestContext } from "../rules/context";
import { DELIVERIES, isWebhooksCollection, WEBHOOKS } from "./names";
import { unsafeUrlReason } from "./url-safety";

/** The parts of an active `_webhooks` record the outbox matches writes against. */
export interface ActiveWebhook {
  id: string;
  events: string[];
  /** Collection names or ids; empty means every collection. */
  collections: string[];
  filter: string;
}

/** At most this many active webhooks are considered per write (a bound on the batch's size). */
export const MAX_ACTIVE_WEBHOOKS = 50;

// SQLite functions take at most 127 arguments: json_object gets this many fields at a time, merged by json_patch.
const FIELDS_PER_OBJECT = 60;

function stringList(raw: unknown): string[] {
  if (typeof raw !== "string" || raw === "") return [];
  try {
    const value: unknown = JSON.parse(raw);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
  } catch {
    return [];
  }
}

/** The active webhooks, oldest first. */
export async function loadActiveWebhooks(db: D1Like): Promise<ActiveWebhook[]> {
  const { results } = await db
    .prepare(
      `SELECT id, events, collections, filter FROM ${quoteIdent(WEBHOOKS)} WHERE active = 1 ORDER BY created, id LIMIT ?`,
    )
    .bind(MAX_ACTIVE_WEBHOOKS)
    .all<Record<string, unknown>>();
  return results.map((r) => ({
    id: String(r.id),
    events: stringList(r.events),
    collections: stringList(r.collections),
    filter: typeof r.filter === "string" ? r.filter : "",
  }));
}

/** True when `webhook` wants `change` (event and collection; its filter is checked by the SQL). */
export function wants(webhook: ActiveWebhook, change: Pick<PlannedChange, "action" | "collection">): boolean {
  if (isWebhooksCollection(change.collection.name)) return false;
  if (!webhook.events.includes(change.action)) return false;
  const { collections } = webhook;
  return (
    collections.length === 0 ||
    collections.includes(change.collection.name) ||
    collections.includes(change.collection.id)
  );
}

/**
 * SQL of the row as a guest may see it, as stored: hidden and secret fields left out, an auth record's email
 * only when its emailVisibility is on. The consumer decodes it (records' toRecordJson) when it sends.
 */
export function guestRowSql(collection: Collection, alias: string): string {
  const parts = collection.fields
    .filter((f) => !f.hidden && !isSecretField(collection, f))
    .map((f) => {
      const column = `${alias}.${quoteIdent(f.name)}`;
      const value =
        collection.type === "auth" && f.name === "email"
          ? `CASE WHEN ${alias}."emailVisibility" THEN ${column} ELSE '' END`
          : column;
      return `${quoteString(f.name)}, ${value}`;
    });
  const objects: string[] = [];
  for (let i = 0; i < parts.length; i += FIELDS_PER_OBJECT) {
    objects.push(`json_object(${parts.slice(i, i + FIELDS_PER_OBJECT).join(", ")})`);
  }
  return objects.reduce((acc, next) => `json_patch(${acc}, ${next})`);
}

/** The event type a change is delivered as. */
export function eventType(action: PlannedChange["action"]): string {
  return `record.${action}`;
}

/**
 * The INSERT of one delivery of `change` to `webhook`, or undefined when the webhook's filter does not
 * compile against the collection (logged; the write itself must not fail for a webhook's mistake).
 */
export function deliveryInsert(
  db: D1Like,
  webhook: ActiveWebhook,
  change: PlannedChange,
  now: string,
  log?: Logger,
): D1PreparedStatement | undefined {
  const { collection } = change;
  const scope = scopeFor(change.snapshot, collection, guestContext());
  const a = scope.alias;
  const where = [`${a}.id = ?`];
  const params: unknown[] = [change.id];
  if (webhook.filter.trim() !== "") {
    try {
      const term = termSql(compileText(webhook.filter, scope, { client: false }), scope);
      where.push(term.sql);
      params.push(...term.params);
    } catch (err) {
      log?.warn("webhook filter does not compile", {
        webhook: webhook.id,
        collection: collection.name,
        error: err instanceof Error ? err.message : String(err),
      });
      return undefined;
    }
  }
  const sql =
    `INSERT INTO ${quoteIdent(DELIVERIES)} ` +
    `(id, webhook, type, collection, recordId, payload, status, attempts, lastStatus, error, nextAttemptAt, created, updated) ` +
    `SELECT ?, ?, ?, ?, ?, ${guestRowSql(collection, a)}, 'pending', 0, 0, '', ?, ?, ? ` +
    `FROM ${quoteIdent(collection.name)} AS ${a} WHERE ${where.join(" AND ")} RETURNING id`;
  return db
    .prepare(sql)
    .bind(
      newId(),
      webhook.id,
      eventType(change.action),
      collection.name,
      change.id,
      now,
      now,
      now,
      ...params,
    );
}

/** What the outbox needs: where committed delivery ids go (the queue), a logger, and whether this is local dev. */
export interface WebhookOutboxDeps {
  /** Sends committed delivery ids on (webhooks/enqueue.ts); rows left pending are swept by the cron. */
  enqueue: (ids: string[]) => Promise<void>;
  log?: Logger;
  /** Local development (`EDGEBASE_DEV=1`): private and loopback URLs may be saved. */
  dev?: boolean;
  /** The isolate's cached active webhooks (webhooks/active.ts); without it every write reads them. */
  active?: { get(db: D1Like): Promise<ActiveWebhook[]> };
}

/**
 * The `url` of a `_webhooks` write, checked as delivery checks it (url-safety.ts): a URL refused there is a
 * 400 on `url` here. Delivery checks again: the environment, or the deployment, may change in between.
 */
export function webhookUrlErrors(
  collection: Pick<Collection, "name">,
  resolved: ReadonlyMap<string, unknown>,
  dev: boolean,
): ErrorData {
  const url = resolved.get("url");
  // Empty is the url field's own "required" error.
  if (collection.name !== WEBHOOKS || typeof url !== "string" || url === "") return {};
  const reason = unsafeUrlReason(url, { dev });
  return reason ? { url: { code: "validation_unsafe_url", message: reason } } : {};
}

/** The records Outbox that writes webhook deliveries. */
export function webhookOutbox(deps: WebhookOutboxDeps): Outbox {
  return {
    async statements(db, changes): Promise<OutboxStatements[]> {
      if (changes.every((c) => isWebhooksCollection(c.collection.name))) return changes.map(() => []);
      const webhooks = await (deps.active ? deps.active.get(db) : loadActiveWebhooks(db));
      const now = formatTimestamp();
      return changes.map((change) =>
        webhooks
          .filter((w) => wants(w, change))
          .flatMap((w) => deliveryInsert(db, w, change, now, deps.log) ?? []),
      );
    },
    committed: (ids) => deps.enqueue(ids),
    check: (collection, resolved) => webhookUrlErrors(collection, resolved, deps.dev === true),
  };
}
