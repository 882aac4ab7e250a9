/**
 * Batched log writes: entries gather in a bounded per-isolate buffer and are written after the response
 * (waitUntil) in one D1 batch per flush, so logging is never on a request's critical path and never fails one.
 */
import type { LogEntry } from "./entry";

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
  #pending: LogEntry[] = [];
  #scheduled = false;
  /** Entries dropped because the buffer was full, reported with the next failure or flush. */
  dropped = 0;

  constructor(options: LogWriterOptions = {}) {
    this.#max = options.maxBuffered ?? MAX_BUFFERED_LOGS;
    this.#delay = options.flushDelayMs ?? FLUSH_DELAY_MS;
    this.#onError = options.onError ?? (() => undefined);
  }

  /** Buffers an entry. */
  add(entry: LogEntry): void {
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
   * Writes what is buffered, unless a flush is already waiting (it will take these entries too). Never
   * rejects. Hand the promise to waitUntil. Entries added after a flush took the buffer start a new flush.
   */
  async flush(db: D1Database | undefined): Promise<void> {
    if (this.#scheduled || this.#pending.length === 0) return;
    this.#scheduled = true;
    try {
      if (this.#delay > 0) await new Promise((resolve) => setTimeout(resolve, this.#delay));
    } finally {
      this.#scheduled = false;
    }
    const entries = this.#pending;
    this.#pending = [];
    if (!db) return;
    try {
      await writeLogs(db, entries);
    } catch (error) {
      this.#onError(error, entries.length);
    }
  }
}
