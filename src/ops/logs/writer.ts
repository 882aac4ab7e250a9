/**
 * Batched log writes: entries gather in a bounded per-isolate buffer and are written after the response
 * (waitUntil) in one D1 batch per flush, so logging is never on a request's critical path and never fails one.
 */
import type { LogEntry } from "./entry";

/**
 * A buffered log: an entry, or a function that builds it (null when the settings keep none). Request logs
 * are buffered as builders so that the URL parse, id, timestamp and IP work happens in the flush, after the
 * response, instead of on every request's own time.
 */
export type PendingLog = LogEntry | (() => LogEntry | null);

/** Entries held at most; beyond it the oldest are dropped (and counted) so a dead LOGS database cannot grow memory. */
export const MAX_BUFFERED_LOGS = 1000;
/** Rows per INSERT: 5 bound values each, under D1's 100-parameter cap. */
const ROWS_PER_STATEMENT = 20;
/**
 * How long a flush waits for concurrent requests' entries to join it. Each flush is a D1 batch: at 20 ms a
 * busy isolate flushed every few requests; at 250 ms one batch carries every request of a quarter second, and
 * logs still reach the table well under a second after the response.
 */
export const FLUSH_DELAY_MS = 250;

/** Options of a {@link LogWriter}. */
export interface LogWriterOptions {
  maxBuffered?: number;
  flushDelayMs?: number;
  /** Told of a failed write (the entries are dropped); must not throw. */
  onError?: (error: unknown, dropped: number) => void;
}

/** Writes entries to the `_logs` table of `db` in one batch. */
export async function writeLogs(db: D1Database, entries: readonly LogEntry[]): Promise<void> {
  const statements: D1PreparedStatement[] = [];
  for (let i = 0; i < entries.length; i += ROWS_PER_STATEMENT) {
    const chunk = entries.slice(i, i + ROWS_PER_STATEMENT);
    const values = chunk.map(() => "(?, ?, ?, ?, ?)").join(", ");
    const params = chunk.flatMap((e) => [e.id, e.level, e.message, JSON.stringify(e.data), e.created]);
    statements.push(
      db.prepare(`INSERT INTO _logs (id, level, message, data, created) VALUES ${values}`).bind(...params),
    );
  }
  if (statements.length > 0) await db.batch(statements);
}

/** The per-isolate log buffer; create one per app. */
export class LogWriter {
  readonly #max: number;
  readonly #delay: number;
  readonly #onError: (error: unknown, dropped: number) => void;
  #pending: PendingLog[] = [];
  #scheduled = false;
  /** Entries dropped because the buffer was full, reported with the next failure or flush. */
  dropped = 0;

  constructor(options: LogWriterOptions = {}) {
    this.#max = options.maxBuffered ?? MAX_BUFFERED_LOGS;
    this.#delay = options.flushDelayMs ?? FLUSH_DELAY_MS;
    this.#onError = options.onError ?? (() => undefined);
  }

  /** Buffers an entry or its builder; order is kept through the flush. */
  add(entry: PendingLog): void {
    this.#pending.push(entry);
    if (this.#pending.length > this.#max) {
      const over = this.#pending.length - this.#max;
      this.#pending.splice(0, over);
      this.dropped += over;
    }
  }

  /** Entries waiting for a flush. */
  get size(): number {
    return this.#pending.length;
  }

  /**
   * Starts a flush of what is buffered and returns it (it never rejects: hand it to waitUntil), or returns
   * undefined when there is nothing to write or a flush is already waiting (it will take these entries too).
   * A busy isolate thus keeps one timer and one waitUntil per flush, not one per request.
   */
  flushSoon(db: D1Database | undefined): Promise<void> | undefined {
    if (this.#scheduled || this.#pending.length === 0) return undefined;
    this.#scheduled = true;
    return this.#flush(db);
  }

  /** {@link flushSoon} as a promise that is already settled when there was nothing to start. */
  flush(db: D1Database | undefined): Promise<void> {
    return this.flushSoon(db) ?? Promise.resolve();
  }

  async #flush(db: D1Database | undefined): Promise<void> {
    try {
      if (this.#delay > 0) await new Promise((resolve) => setTimeout(resolve, this.#delay));
    } finally {
      this.#scheduled = false;
    }
    const pending = this.#pending;
    this.#pending = [];
    if (!db) return;
    const entries: LogEntry[] = [];
    for (const item of pending) {
      try {
        const entry = typeof item === "function" ? item() : item;
        if (entry) entries.push(entry);
      } catch (error) {
        this.#onError(error, 1);
      }
    }
    if (entries.length === 0) return;
    try {
      await writeLogs(db, entries);
    } catch (error) {
      this.#onError(error, entries.length);
    }
  }
}
