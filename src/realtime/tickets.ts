/** Single-use WebSocket tickets: what a browser puts in the upgrade URL instead of its access token. */
import { sha256Hex } from "../lib/bytes";
import { randomString } from "../lib/ids";
import type { AuthRecord } from "../rules/context";

/** Seconds a ticket stays valid: long enough to open a socket, short enough that a logged URL is worthless. */
export const TICKET_TTL_SECONDS = 30;

/** Pending tickets per user; issuing more drops the oldest. */
export const MAX_TICKETS_PER_USER = 16;

/** What a ticket stands for: the auth record it was issued to and when that record's token expires. */
export interface TicketGrant {
  auth: AuthRecord;
  /** The access token's `exp` (seconds), or null when the caller was authenticated without a token. */
  tokenExp: number | null;
}

/** Tickets in a user registry's SQLite, stored by SHA-256 of the secret (the secret itself is never kept). */
export class Tickets {
  readonly #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
    sql.exec(
      "CREATE TABLE IF NOT EXISTS tickets (hash TEXT PRIMARY KEY, grant_json TEXT NOT NULL, expires INTEGER NOT NULL)",
    );
  }

  /** Stores a new ticket and returns its secret; expired tickets and those beyond the cap are dropped. */
  async issue(grant: TicketGrant, now = Date.now()): Promise<string> {
    const secret = randomString(40);
    this.#sql.exec("DELETE FROM tickets WHERE expires <= ?", now);
    this.#sql.exec(
      "INSERT INTO tickets (hash, grant_json, expires) VALUES (?, ?, ?)",
      await sha256Hex(secret),
      JSON.stringify(grant),
      now + TICKET_TTL_SECONDS * 1000,
    );
    this.#sql.exec(
      "DELETE FROM tickets WHERE hash NOT IN (SELECT hash FROM tickets ORDER BY expires DESC LIMIT ?)",
      MAX_TICKETS_PER_USER,
    );
    return secret;
  }

  /** The grant of a live ticket, deleted on the way (a second use finds nothing). */
  async redeem(secret: string, now = Date.now()): Promise<TicketGrant | null> {
    const row = this.#sql
      .exec<{ grant_json: string; expires: number }>(
        "DELETE FROM tickets WHERE hash = ? RETURNING grant_json, expires",
        await sha256Hex(secret),
      )
      .toArray()[0];
    if (!row || row.expires <= now) return null;
    return JSON.parse(row.grant_json) as TicketGrant;
  }

  /** Drops every pending ticket (the user was signed out). */
  clear(): void {
    this.#sql.exec("DELETE FROM tickets");
  }

  /** How many tickets are stored (for bound tests). */
  size(): number {
    return this.#sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM tickets").one().n;
  }
}
