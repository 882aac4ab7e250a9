/**
 * Upgrades, without a save, an auth collection whose default email index is still the plain unique one older
 * versions made (case-sensitive, so two sign-ups racing with `A@x` and `a@x` both land) to `lower(email)`.
 */
import type { D1Like } from "../db/sql";
import { quoteIdent } from "../db/sql";
import { randomString } from "../lib/ids";
import { createLogger, type Logger } from "../observability/logger";
import type { Collection } from "./collection";
import { plainEmailIndexUpgrade } from "./prepare-indexes";
import { isVersionConflict, versionBump, versionGuard } from "./schema-version";

/**
 * Runs the upgrades a loaded schema needs, one guarded batch per collection: the version guard, the index
 * rebuilt, the definition's index list and a new version, so a batch commits whole or not at all. Two isolates
 * doing it at once: one commits, the other's guard fails and it only reloads. Emails that already differ only
 * in case make the batch fail: the old index stays, and a warning is logged once per isolate (per collection).
 */
export class EmailIndexUpgrader {
  readonly #log: Logger;
  /** Collections whose upgrade failed in this isolate: not retried on every load (a save still upgrades). */
  readonly #skipped = new Set<string>();

  constructor(log?: Logger) {
    this.#log = log ?? createLogger();
  }

  /** Upgrades what `collections` (read at `version`) need; true when D1 may have changed (reload the schema). */
  async upgrade(db: D1Like, version: string, collections: readonly Collection[]): Promise<boolean> {
    let current = version;
    let attempted = false;
    for (const collection of collections) {
      if (this.#skipped.has(collection.id)) continue;
      const upgrade = plainEmailIndexUpgrade(collection);
      if (!upgrade) continue;
      attempted = true;
      const indexes = collection.indexes.map((sql, i) => (i === upgrade.position ? upgrade.sql : sql));
      const next = JSON.stringify(randomString(16));
      try {
        await db.batch([
          versionGuard(db, current),
          db.prepare(`DROP INDEX IF EXISTS ${quoteIdent(upgrade.name)}`),
          db.prepare(upgrade.sql),
          db
            .prepare("UPDATE _collections SET indexes = ? WHERE id = ?")
            .bind(JSON.stringify(indexes), collection.id),
          versionBump(db, next),
        ]);
        current = next;
      } catch (err) {
        // Another isolate (or schema change) committed first: the reload shows its result; the next load retries.
        if (isVersionConflict(err)) return true;
        const error = err instanceof Error ? err.message : String(err);
        const fields = { collection: collection.name, index: upgrade.name, error };
        if (!/UNIQUE constraint failed/i.test(error)) {
          // A passing D1 fault: nothing committed, and the next load tries again.
          this.#log.warn("The email index upgrade failed; it is retried on the next schema load.", fields);
          continue;
        }
        this.#skipped.add(collection.id);
        this.#log.warn(
          "The unique lower(email) index was not added: emails that differ only in case exist. Make them unique, then save the collection (README, Records).",
          fields,
        );
      }
    }
    return attempted;
  }
}
