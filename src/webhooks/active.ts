/**
 * The active webhooks, cached per isolate: every record write asks for them, and they change rarely. A committed
 * change to `_webhooks` in this isolate drops the copy at once (a change sink); changes made in other isolates
 * are seen once the copy is {@link ACTIVE_WEBHOOKS_TTL_MS} old.
 */
import type { D1Like } from "../db/sql";
import type { ChangeSink } from "../records/events";
import { WEBHOOKS } from "./names";
import { type ActiveWebhook, loadActiveWebhooks } from "./outbox";

/**
 * How long an isolate reuses the active webhooks it read: the staleness bound for webhooks created, changed or
 * deactivated in another isolate (the isolate that saved them sees the change on its next write).
 */
export const ACTIVE_WEBHOOKS_TTL_MS = 5_000;

/** Options of {@link ActiveWebhooks}. */
export interface ActiveWebhooksOptions {
  ttlMs?: number;
  /** Clock in milliseconds, for tests. Default `Date.now`. */
  now?: () => number;
}

interface Entry {
  webhooks: Promise<ActiveWebhook[]>;
  loadedAt: number;
  generation: number;
}

/** One app's (isolate's) copy of the active webhooks. */
export class ActiveWebhooks {
  readonly #ttlMs: number;
  readonly #now: () => number;
  /** Bumped by every committed `_webhooks` change in this isolate; a copy loaded before it is stale. */
  #generation = 0;
  #entry: Entry | undefined;

  constructor(options: ActiveWebhooksOptions = {}) {
    this.#ttlMs = options.ttlMs ?? ACTIVE_WEBHOOKS_TTL_MS;
    this.#now = options.now ?? Date.now;
  }

  /** The active webhooks: the isolate's copy while fresh, else one SELECT (shared by concurrent writes). */
  get(db: D1Like): Promise<ActiveWebhook[]> {
    const now = this.#now();
    const entry = this.#entry;
    if (entry && entry.generation === this.#generation && now - entry.loadedAt < this.#ttlMs) {
      return entry.webhooks;
    }
    const generation = this.#generation;
    const webhooks = loadActiveWebhooks(db);
    const fresh: Entry = { webhooks, loadedAt: now, generation };
    this.#entry = fresh;
    // A failed load is not kept: the next write asks again.
    webhooks.catch(() => {
      if (this.#entry === fresh) this.#entry = undefined;
    });
    return webhooks;
  }

  /** Drops the copy (a `_webhooks` record changed). */
  invalidate(): void {
    this.#generation++;
    this.#entry = undefined;
  }

  /**
   * The ChangeSink that drops the copy when a `_webhooks` change commits. The drop is synchronous, before the
   * response: the saving client's next write, in this isolate, uses the new webhooks.
   */
  sink(): ChangeSink {
    return {
      emit: async (events) => {
        if (events.some((e) => e.collection.name === WEBHOOKS)) this.invalidate();
      },
    };
  }
}
