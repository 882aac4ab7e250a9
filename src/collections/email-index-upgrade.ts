/**
 * Upgrades, without a save, an auth collection whose default email index is still the plain unique one older
 * versions made (case-sensitive, so two sign-ups racing with `A@x` and `a@x` both land) to `lower(email)`.
 */
import type { D1Like } from "../db/sql";
import { quoteIdent } from "../db/sql";
import { randomString } from "../lib/ids";
import { createLogger, type Logger } from "../observability/logger";
import type { Collection } from "./collection";
import { type EmailIndexUpgrade, plainEmailIndexUpgrade } from "./prepare-indexes";
import { isVersionConflict, versionBump, versionGuard } from "./schema-version";

/*
 * The `_params` key prefix (then the collection id) recording that the upgrade failed for case-only duplicate
 * emails, with the schema version it failed at as the value: isolates loading that version skip it.
 */
const EMAIL_INDEX_FAILED_KEY = "emailIndexUpgradeFailed:";

const failedKey = (collectionId: string) => `${EMAIL_INDEX_FAILED_KEY}${collectionId}`;

/**
 * Runs the upgrades a loaded schema needs, one guarded batch per collection: the version guard, the index
 * rebuilt, the definition's index list, any failure marker dropped and a new version, all or nothing. Two
 * isolates doing it at once: one commits, the other's guard fails and it only reloads. Emails that already
 * differ only in case make the batch fail: the old index stays, a warning is logged, and the failure is
 * recorded in `_params` with the schema version, so no isolate builds the index again until the schema
 * changes (a save of the collection upgrades the index itself; any later schema version tries once more).
 *
 * Why on the schema load, on the request path, and not in `ctx.waitUntil` or a cron: the index is what
 * closes the case race, and every sign-up before it exists can land a case duplicate (which then blocks the
 * index until an operator fixes the data). An isolate serves no request from a schema it has not tried to
 * upgrade, so the race closes with the first request after the deploy. What that request pays is bounded: an
 * upgrade succeeds once per collection ever, fails once per schema version (the marker; only cold isolates
 * racing on a new version may each try), and after that a cold isolate pays one `_params` read. Elsewhere
 * the build would cost no less: D1 runs one statement at a time, so other requests wait behind it wherever it
 * starts; a cron would leave the race open up to its interval after each deploy, and `waitUntil` would need
 * a second, unshared path (a request may not await I/O another request started, see
 * CollectionStore.snapshot).
 */
export class EmailIndexUpgrader {
  readonly #log: Logger;
  /** Collections whose upgrade failed (here or as recorded): not checked again (a save still upgrades). */
  readonly #skipped = new Set<string>();

  constructor(log?: Logger) {
    this.#log = log ?? createLogger();
  }

  /** Upgrades what `collections` (read at `version`) need; true when D1 may have changed (reload the schema). */
  async upgrade(db: D1Like, version: string, collections: readonly Collection[]): Promise<boolean> {
    const pending = this.#pending(collections);
    if (pending.length === 0) return false;
    const failedAt = await this.#readFailures(db);
    if (!failedAt) return false;
    let current = version;
    let attempted = false;
    const failed: string[] = [];
    for (const { collection, upgrade } of pending) {
      if (failedAt.get(collection.id) === version) {
        this.#skipped.add(collection.id);
        continue;
      }
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
          db.prepare("DELETE FROM _params WHERE key = ?").bind(failedKey(collection.id)),
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
        failed.push(collection.id);
        this.#log.warn(
          "The unique lower(email) index was not added: emails that differ only in case exist. Make them unique, then save the collection (README, Records).",
          fields,
        );
      }
    }
    // Recorded at the version this load leaves (its own upgrades of other collections included), so the next
    // isolate loading it skips these rather than retrying once for a change that was only this load's.
    await this.#recordFailures(db, failed, current);
    return attempted;
  }

  /** The collections still on the plain email index and not skipped in this isolate. */
  #pending(collections: readonly Collection[]): { collection: Collection; upgrade: EmailIndexUpgrade }[] {
    return collections.flatMap((collection) => {
      if (this.#skipped.has(collection.id)) return [];
      const upgrade = plainEmailIndexUpgrade(collection);
      return upgrade ? [{ collection, upgrade }] : [];
    });
  }

  /** The schema version each collection's upgrade last failed at; undefined when D1 could not say. */
  async #readFailures(db: D1Like): Promise<Map<string, string> | undefined> {
    try {
      const { results } = await db
        .prepare("SELECT key, value FROM _params WHERE substr(key, 1, length(?1)) = ?1")
        .bind(EMAIL_INDEX_FAILED_KEY)
        .all<{ key: string; value: string | null }>();
      return new Map(results.map((r) => [r.key.slice(EMAIL_INDEX_FAILED_KEY.length), r.value ?? ""]));
    } catch (err) {
      // Not knowing whether the build already failed, it is not attempted: the next load asks again.
      const error = err instanceof Error ? err.message : String(err);
      this.#log.warn("The email index upgrade was not checked; it is retried on the next schema load.", {
        error,
      });
      return undefined;
    }
  }

  /** Records the failures at `version`; if that fails, only this isolate remembers them. */
  async #recordFailures(db: D1Like, ids: readonly string[], version: string): Promise<void> {
    if (ids.length === 0) return;
    const upsert = `INSERT INTO _params ("key", "value") VALUES (?, ?) ON CONFLICT("key")
      DO UPDATE SET "value" = excluded."value", "updated" = strftime('%Y-%m-%d %H:%M:%fZ', 'now')`;
    try {
      await db.batch(ids.map((id) => db.prepare(upsert).bind(failedKey(id), version)));
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      this.#log.warn("The failed email index upgrade was not recorded; another isolate may retry it.", {
        error,
      });
    }
  }
}
