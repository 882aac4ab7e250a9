/**
 * Open realtime connections counted against one limit (a client IP bucket or a user), as leases in the SQLite of
 * that key's registry object. A lease is taken before a WebSocket or SSE stream is accepted and released when it
 * ends; a lease whose release was lost (a hub reset without a close event) is reclaimed by asking its holder.
 */

/** One counted connection: its id and who holds it (`hub:<hub name>` or `sse:<client id>`, see connection-limits.ts). */
export interface Lease {
  id: string;
  holder: string;
}

/** Returns the ids among `ids` that `holder` still has open; throws when the holder cannot be asked. */
export type HolderCheck = (holder: string, ids: string[]) => Promise<string[]>;

/** A lease confirmed alive is not asked about again for this long. */
export const LEASE_RECHECK_MS = 30_000;

/**
 * Holders asked at most per refused acquire: with the recheck delay, this bounds what a client at its limit
 * that keeps trying can cost (a few RPCs per 30 s), whatever its number of connections.
 */
export const MAX_HOLDER_CHECKS = 8;

/** The leases of one key. Every method is synchronous on SQLite except the holder checks of a refused acquire. */
export class ConnectionLeases {
  readonly #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
    sql.exec(
      "CREATE TABLE IF NOT EXISTS conn_leases (id TEXT PRIMARY KEY, holder TEXT NOT NULL, checked INTEGER NOT NULL)",
    );
  }

  /**
   * Takes a lease when fewer than `cap` are held (taking one already held is a no-op). At the cap, leases not
   * confirmed for {@link LEASE_RECHECK_MS} are checked with their holders first and the dead ones dropped, so a
   * lost release never locks a client out for longer than that.
   */
  async acquire(lease: Lease, cap: number, check: HolderCheck, now = Date.now()): Promise<boolean> {
    if (this.#take(lease, cap, now)) return true;
    await this.#reclaim(check, now);
    // Counted again after the checks: the count and the insert run without an await between them.
    return this.#take(lease, cap, now);
  }

  /** Drops a lease (its connection ended); unknown ids are ignored. */
  release(id: string): void {
    this.#sql.exec("DELETE FROM conn_leases WHERE id = ?", id);
  }

  /** How many leases are held. */
  size(): number {
    return this.#sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM conn_leases").one().n;
  }

  #take(lease: Lease, cap: number, now: number): boolean {
    const held = this.#sql.exec("SELECT 1 FROM conn_leases WHERE id = ?", lease.id).toArray().length > 0;
    if (held) return true;
    if (this.size() >= cap) return false;
    this.#sql.exec(
      "INSERT INTO conn_leases (id, holder, checked) VALUES (?, ?, ?)",
      lease.id,
      lease.holder,
      now,
    );
    return true;
  }

  async #reclaim(check: HolderCheck, now: number): Promise<void> {
    const holders = this.#sql
      .exec<{ holder: string }>(
        "SELECT holder FROM conn_leases WHERE checked <= ? GROUP BY holder ORDER BY MIN(checked) LIMIT ?",
        now - LEASE_RECHECK_MS,
        MAX_HOLDER_CHECKS,
      )
      .toArray()
      .map((r) => r.holder);
    await Promise.all(
      holders.map(async (holder) => {
        const ids = this.#sql
          .exec<{ id: string }>("SELECT id FROM conn_leases WHERE holder = ?", holder)
          .toArray()
          .map((r) => r.id);
        // A holder that cannot be asked keeps its leases: over-counting for a while beats admitting past the cap.
        const alive = new Set(await check(holder, ids).catch(() => ids));
        for (const id of ids) {
          if (alive.has(id)) this.#sql.exec("UPDATE conn_leases SET checked = ? WHERE id = ?", now, id);
          else this.release(id);
        }
      }),
    );
  }
}
