/**
 * The outbox port: statements another module (webhooks) adds to a write's own D1 batch, so what a write owes
 * the outside world commits or rolls back with it, and a hand-off once the batch committed.
 */
import type { Collection } from "../collections/collection";
import type { SchemaSnapshot } from "../collections/store";
import type { D1Like } from "../db/sql";
import { badRequest, type ErrorData } from "../lib/errors";
import type { ChangeAction } from "./events";

/** The change a plan makes to one record, as the outbox sees it. */
export interface PlannedChange {
  action: ChangeAction;
  collection: Collection;
  /** The record's id. */
  id: string;
  /** The schema snapshot the plan was built from (filters compile against it). */
  snapshot: SchemaSnapshot;
}

/**
 * Statements that insert outbox rows. Each ends with `RETURNING id`: a row comes back only when it was
 * inserted (a filter in its WHERE may skip it).
 */
export type OutboxStatements = D1PreparedStatement[];

/** Adds outbox rows to writes and hands the committed ones on. */
export interface Outbox {
  /**
   * The statements for each change (same order). A delete's run just before its DELETE (the row still
   * exists), the others' just after the write, all in the write's batch.
   */
  statements(db: D1Like, changes: readonly PlannedChange[]): Promise<OutboxStatements[]>;
  /** Called after the commit with the ids of the rows the batch inserted (never for a failed batch). */
  committed(ids: string[]): Promise<void>;
  /**
   * Field errors in the values a write stores into the outbox owner's own collections (a webhook's URL);
   * `resolved` holds each written field's encoded value. Checked while the write is planned.
   */
  check?(collection: Collection, resolved: ReadonlyMap<string, unknown>): ErrorData;
}

/** Throws the 400 of the outbox's field errors for a planned write's values, if any. */
export function checkOutboxValues(
  outbox: Outbox | undefined,
  collection: Collection,
  resolved: ReadonlyMap<string, unknown>,
): void {
  const errors = outbox?.check?.(collection, resolved) ?? {};
  if (Object.keys(errors).length > 0) throw badRequest("Failed to validate the submitted data.", errors);
}
