/**
 * A per-isolate memo of the auth records the token middleware reads for each signed-in request, so a signed-in
 * read makes one D1 call (its own) instead of two. A committed change to an auth record in this isolate drops
 * its entry at once (a change sink); a change made elsewhere (another isolate, a raw D1 write) is seen once the
 * entry is {@link RECENT_AUTH_ROW_MS} old: the same bound as the session check's (session-check.ts).
 */
import type { AuthCollection } from "../collections/collection";
import { LruMap } from "../lib/lru-map";
import type { ChangeSink } from "../records/events";
import { SESSION_CHECK_CACHE_MS } from "./session-check";

/**
 * How long a read auth record is reused: the bound on how late this isolate sees a password change, a new
 * tokenKey, a deletion or a changed field (`@request.auth.*`) made in another isolate. The session check's
 * bound, because a password change or deletion also revokes every session (auth/flows/session-sink.ts), which
 * other isolates already see only within that bound.
 */
export const RECENT_AUTH_ROW_MS = SESSION_CHECK_CACHE_MS;
/** Most remembered records per isolate; the least recently used is dropped beyond it. */
export const RECENT_AUTH_ROW_SIZE = 1_000;

interface Entry {
  /** The collection definition the row was read under: a new schema snapshot misses. */
  collection: AuthCollection;
  row: object;
  until: number;
}

/** Options of {@link RecentAuthRows}. */
export interface RecentAuthRowsOptions {
  ttlMs?: number;
  maxEntries?: number;
  /** Clock in milliseconds, for tests. Default `Date.now`. */
  now?: () => number;
}

/** One app's (isolate's) recently read auth records, keyed by collection id and record id. */
export class RecentAuthRows {
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #entries: LruMap<string, Entry>;
  /** Bumped by every committed auth-record change here: a read that started before it is not remembered. */
  #generation = 0;

  constructor(options: RecentAuthRowsOptions = {}) {
    this.#ttlMs = options.ttlMs ?? RECENT_AUTH_ROW_MS;
    this.#now = options.now ?? Date.now;
    this.#entries = new LruMap(options.maxEntries ?? RECENT_AUTH_ROW_SIZE);
  }

  /**
   * The record, from memory while fresh and read under the same collection definition, else read by `load`
   * and remembered (a missing record is never remembered: it is refused on every request until it exists).
   */
  async get<R extends object>(
    collection: AuthCollection,
    recordId: string,
    load: () => Promise<R | undefined>,
  ): Promise<R | undefined> {
    const key = `${collection.id}/${recordId}`;
    const hit = this.#entries.get(key);
    // Only `load` ever fills this key's entry, so a hit holds what it returned.
    if (hit && hit.collection === collection && hit.until > this.#now()) return hit.row as R;
    const generation = this.#generation;
    const row = await load();
    // A change committed while the read was in flight may be newer than what it returned: not remembered.
    if (row && generation === this.#generation) {
      this.#entries.set(key, { collection, row, until: this.#now() + this.#ttlMs });
    }
    return row;
  }

  /** Forgets one record (it changed or was deleted in this isolate). */
  forget(collectionId: string, recordId: string): void {
    this.#generation++;
    this.#entries.delete(`${collectionId}/${recordId}`);
  }

  /** How many records are remembered (tests check the bound). */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * The ChangeSink that forgets every auth record a committed write touched. The drop is synchronous, before
   * the response: the writing client's next request, in this isolate, sees the new row (a new password's
   * tokenKey refuses the old token at once here).
   */
  sink(): ChangeSink {
    return {
      emit: async (events) => {
        for (const event of events) {
          const id = event.record.id ?? event.oldRecord?.id;
          if (event.collection.type === "auth" && typeof id === "string")
            this.forget(event.collection.id, id);
        }
      },
    };
  }
}
