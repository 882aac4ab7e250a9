/** The hub's bounded event log in its SQLite: sequence numbers for events and replays after reconnects. */
import type { HubEvent } from "./hub-event";

/** Events kept per hub shard; a client further behind than this gets a `resync`. */
export const EVENT_LOG_SIZE = 1_000;

/** A logged event with its sequence number. */
export interface LoggedEvent {
  seq: number;
  event: HubEvent;
}

/** Append-only log with a bounded tail; AUTOINCREMENT keeps sequence numbers unique after pruning. */
export class EventLog {
  readonly #sql: SqlStorage;
  readonly #size: number;

  constructor(sql: SqlStorage, size = EVENT_LOG_SIZE) {
    this.#sql = sql;
    this.#size = size;
    sql.exec("CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY AUTOINCREMENT, json TEXT NOT NULL)");
  }

  /** Appends an event and returns its sequence number; the oldest entries beyond the bound are dropped. */
  append(event: HubEvent): number {
    const seq = this.#sql
      .exec<{ seq: number }>("INSERT INTO events (json) VALUES (?) RETURNING seq", JSON.stringify(event))
      .one().seq;
    this.#sql.exec("DELETE FROM events WHERE seq <= ?", seq - this.#size);
    return seq;
  }

  /** The newest sequence number handed out (0 before the first event). */
  last(): number {
    const row = this.#sql
      .exec<{ seq: number }>("SELECT seq FROM sqlite_sequence WHERE name = 'events'")
      .toArray()[0];
    return row?.seq ?? 0;
  }

  /**
   * The events after `since`, or "resync" when some of them were already dropped (or `since` is from another
   * log, e.g. a newer number than this log ever handed out).
   */
  after(since: number): LoggedEvent[] | "resync" {
    const last = this.last();
    if (since > last) return "resync";
    if (since === last) return [];
    const oldest =
      this.#sql.exec<{ seq: number | null }>("SELECT MIN(seq) AS seq FROM events").one().seq ?? last + 1;
    if (since < oldest - 1) return "resync";
    return this.#sql
      .exec<{ seq: number; json: string }>("SELECT seq, json FROM events WHERE seq > ? ORDER BY seq", since)
      .toArray()
      .map((r) => ({ seq: r.seq, event: JSON.parse(r.json) as HubEvent }));
  }
}
