/** The hub's bounded event log in its SQLite: sequence numbers for events and replays after reconnects. */
import type { HubEvent } from "./hub-event";

/** Events kept per hub shard; a client further behind than this gets a `resync`. */
export const EVENT_LOG_SIZE = 1_000;

/** A logged event with its sequence number. */
export interface LoggedEvent {
  seq: number;
  event: HubEvent;
}

/** Rows beyond the bound are deleted once per this many appends (at most), not on every append. */
export const PRUNE_EVERY = 64;

/**
 * Append-only log with a bounded tail; AUTOINCREMENT keeps sequence numbers unique after pruning. Every event
 * is appended (whether or not anyone is connected: a client away right now resumes from it), so an append is
 * one statement: the newest number is kept in memory (this object is the log's only writer) and the tail is
 * pruned in steps, while {@link EventLog.after} still reaches back exactly `size` events.
 */
export class EventLog {
  readonly #sql: SqlStorage;
  readonly #size: number;
  readonly #pruneEvery: number;
  #last: number | undefined;

  constructor(sql: SqlStorage, size = EVENT_LOG_SIZE) {
    this.#sql = sql;
    this.#size = size;
    this.#pruneEvery = Math.max(1, Math.min(PRUNE_EVERY, size));
    sql.exec("CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY AUTOINCREMENT, json TEXT NOT NULL)");
  }

  /** Appends an event and returns its sequence number; the oldest entries beyond the bound are dropped. */
  append(event: HubEvent): number {
    const seq = this.last() + 1;
    this.#sql.exec("INSERT INTO events (seq, json) VALUES (?, ?)", seq, JSON.stringify(event));
    this.#last = seq;
    if (seq % this.#pruneEvery === 0) this.#sql.exec("DELETE FROM events WHERE seq <= ?", seq - this.#size);
    return seq;
  }

  /** The newest sequence number handed out (0 before the first event). */
  last(): number {
    if (this.#last === undefined) {
      const row = this.#sql
        .exec<{ seq: number }>("SELECT seq FROM sqlite_sequence WHERE name = 'events'")
        .toArray()[0];
      this.#last = row?.seq ?? 0;
    }
    return this.#last;
  }

  /**
   * The events after `since`, or "resync" when some of them were already dropped (or `since` is from another
   * log, e.g. a newer number than this log ever handed out).
   */
  after(since: number): LoggedEvent[] | "resync" {
    const last = this.last();
    if (since > last) return "resync";
    if (since === last) return [];
    // Rows past the bound may linger until the next prune: the window is `size` events all the same.
    const stored =
      this.#sql.exec<{ seq: number | null }>("SELECT MIN(seq) AS seq FROM events").one().seq ?? last + 1;
    const oldest = Math.max(stored, last - this.#size + 1);
    if (since < oldest - 1) return "resync";
    return this.#sql
      .exec<{ seq: number; json: string }>("SELECT seq, json FROM events WHERE seq > ? ORDER BY seq", since)
      .toArray()
      .map((r) => ({ seq: r.seq, event: JSON.parse(r.json) as HubEvent }));
  }
}
