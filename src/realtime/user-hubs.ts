/** The per-user registry of hubs a user has connections on (so a sign-out can reach all of them). */

/** Entries older than this are dropped when new ones arrive (connections do not outlive a deploy). */
export const USER_HUB_TTL_MS = 7 * 86_400_000;

/** Hub names in the registry instance's SQLite. */
export class UserHubs {
  readonly #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
    sql.exec("CREATE TABLE IF NOT EXISTS user_hubs (hub TEXT PRIMARY KEY, at INTEGER NOT NULL)");
  }

  /** Records (or refreshes) one hub and prunes stale entries. */
  add(hub: string, now = Date.now()): void {
    this.#sql.exec("INSERT OR REPLACE INTO user_hubs (hub, at) VALUES (?, ?)", hub, now);
    this.#sql.exec("DELETE FROM user_hubs WHERE at < ?", now - USER_HUB_TTL_MS);
  }

  /** Every recorded hub. */
  list(): string[] {
    return this.#sql
      .exec<{ hub: string }>("SELECT hub FROM user_hubs")
      .toArray()
      .map((r) => r.hub);
  }

  /** Forgets the given hubs. */
  remove(hubs: readonly string[]): void {
    for (const hub of hubs) this.#sql.exec("DELETE FROM user_hubs WHERE hub = ?", hub);
  }
}
