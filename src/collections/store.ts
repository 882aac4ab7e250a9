/** The collection store: definitions from D1, cached per isolate and revalidated by a schema version. */
import type { D1Like } from "../db/sql";
import type { Logger } from "../observability/logger";
import type { Collection } from "./collection";
import { EmailIndexUpgrader } from "./email-index-upgrade";
import { type CollectionRow, rowToCollection } from "./rows";
import { SCHEMA_VERSION_KEY } from "./schema-version";

export { SCHEMA_VERSION_KEY };

/**
 * How often an isolate asks D1 whether the schema changed. Another isolate's schema change is therefore
 * seen within this bound (plus one request); the isolate that made a change sees it at once.
 */
export const SCHEMA_CHECK_INTERVAL_MS = 2_000;

/** Every collection at one schema version, indexed by id and by lower-cased name. */
export class SchemaSnapshot {
  readonly #byKey = new Map<string, Collection>();
  constructor(
    readonly version: string,
    readonly collections: readonly Collection[],
  ) {
    for (const c of collections) {
      this.#byKey.set(`id:${c.id}`, c);
      this.#byKey.set(`name:${c.name.toLowerCase()}`, c);
    }
  }

  /** Finds a collection by id, or by name case-insensitively. */
  find(idOrName: string): Collection | undefined {
    return this.#byKey.get(`id:${idOrName}`) ?? this.#byKey.get(`name:${idOrName.toLowerCase()}`);
  }
}

/**
 * Minimum time between schema reloads caused by a name the cached snapshot lacks. A collection another isolate
 * just created is found at once; a flood of made-up names costs at most one primary read per interval.
 */
export const MISS_RELOAD_INTERVAL_MS = 250;

/** Options for a {@link CollectionStore}. */
export interface CollectionStoreOptions {
  /** Milliseconds between version checks. Default {@link SCHEMA_CHECK_INTERVAL_MS}. */
  checkIntervalMs?: number;
  /** Milliseconds between reloads on a miss. Default {@link MISS_RELOAD_INTERVAL_MS}. */
  missReloadIntervalMs?: number;
  /** Monotonic-enough clock in milliseconds (tests may inject one). */
  clock?: () => number;
  /** Called on every reload a miss causes (metrics, and tests counting reloads). */
  onMissReload?: () => void;
  /** Where a skipped email index upgrade is reported (default: JSON lines on the console). */
  log?: Logger;
}

/** Options of {@link CollectionStore.find}. */
export interface FindOptions {
  /** Reload the schema (throttled) when the cached snapshot lacks the collection. Default true. */
  reloadOnMiss?: boolean;
}

/** A lookup's result: the collection (if any) and the snapshot it was looked up in. */
export interface Found {
  snapshot: SchemaSnapshot;
  collection: Collection | undefined;
}

/** Loads the schema version and every definition in one consistent round trip. */
export async function loadSnapshot(db: D1Like): Promise<SchemaSnapshot> {
  const [version, rows] = await db.batch<unknown>([
    db.prepare("SELECT value FROM _params WHERE key = ?").bind(SCHEMA_VERSION_KEY),
    db.prepare("SELECT * FROM _collections ORDER BY created, id"),
  ]);
  const v = (version?.results[0] as { value?: string } | undefined)?.value ?? "";
  return new SchemaSnapshot(v, ((rows?.results ?? []) as CollectionRow[]).map(rowToCollection));
}

async function readVersion(db: D1Like): Promise<string> {
  const row = await db
    .prepare("SELECT value FROM _params WHERE key = ?")
    .bind(SCHEMA_VERSION_KEY)
    .first<{ value: string }>();
  return row?.value ?? "";
}

/** Per-isolate cache of collection definitions; create one per app (the Worker has one per isolate). */
export class CollectionStore {
  readonly #interval: number;
  readonly #missInterval: number;
  readonly #clock: () => number;
  readonly #onMissReload: (() => void) | undefined;
  #missReloadAt = Number.NEGATIVE_INFINITY;
  #snapshot: SchemaSnapshot | undefined;
  #checkedAt = Number.NEGATIVE_INFINITY;
  /** A revalidation is in flight (on some request); others keep using the cached snapshot meanwhile. */
  #checking = false;
  /** Bumped by every install, so a load that started before a newer install cannot overwrite it. */
  #generation = 0;
  readonly #emailIndexes: EmailIndexUpgrader;

  constructor(options: CollectionStoreOptions = {}) {
    this.#interval = options.checkIntervalMs ?? SCHEMA_CHECK_INTERVAL_MS;
    this.#missInterval = options.missReloadIntervalMs ?? MISS_RELOAD_INTERVAL_MS;
    this.#clock = options.clock ?? (() => Date.now());
    this.#onMissReload = options.onMissReload;
    this.#emailIndexes = new EmailIndexUpgrader(options.log);
  }

  /**
   * The one collection lookup: by id, or by name case-insensitively, in the cached snapshot. On a miss the
   * schema is reloaded (unless `reloadOnMiss` is false), at most once per miss-reload interval per store.
   */
  async find(db: D1Like, idOrName: string, options: FindOptions = {}): Promise<Found> {
    const snapshot = await this.snapshot(db);
    const collection = snapshot.find(idOrName);
    if (collection || options.reloadOnMiss === false) return { snapshot, collection };
    const fresh = await this.#reloadForMiss(db);
    return fresh ? { snapshot: fresh, collection: fresh.find(idOrName) } : { snapshot, collection };
  }

  /** The snapshot, reloaded (throttled as in {@link find}) when it lacks any of the named collections. */
  async snapshotWith(db: D1Like, idsOrNames: readonly (string | undefined)[]): Promise<SchemaSnapshot> {
    const snapshot = await this.snapshot(db);
    const missing = idsOrNames.some((n) => n !== undefined && n !== "" && !snapshot.find(n));
    return (missing && (await this.#reloadForMiss(db))) || snapshot;
  }

  /** A fresh snapshot, or undefined when a miss already reloaded within the interval. */
  async #reloadForMiss(db: D1Like): Promise<SchemaSnapshot | undefined> {
    const now = this.#clock();
    if (now - this.#missReloadAt < this.#missInterval) return undefined;
    // Set before awaiting: concurrent misses in this isolate share the interval, not one reload each.
    this.#missReloadAt = now;
    this.#onMissReload?.();
    return this.load(db);
  }

  /**
   * The cached snapshot, revalidated against D1's schema version at most once per check interval. Each
   * revalidation runs on the request that found it due; requests arriving meanwhile get the cached snapshot
   * (at most one check older). They never await another request's promise: Workers forbid one request from
   * finishing I/O (D1's response streams) that another started, and under load that surfaced as rare 500s.
   */
  snapshot(db: D1Like): Promise<SchemaSnapshot> {
    const cached = this.#snapshot;
    if (cached && (this.#checking || this.#clock() - this.#checkedAt < this.#interval)) {
      return Promise.resolve(cached);
    }
    this.#checking = true;
    return this.#revalidate(db, cached).finally(() => {
      this.#checking = false;
    });
  }

  /**
   * A fresh snapshot straight from D1 (used by schema changes, which must validate against the latest). An auth
   * collection still on the plain email index an older version made is upgraded first (see email-index-upgrade).
   */
  async load(db: D1Like): Promise<SchemaSnapshot> {
    const started = this.#generation;
    let fresh = await loadSnapshot(db);
    if (await this.#emailIndexes.upgrade(db, fresh.version, fresh.collections))
      fresh = await loadSnapshot(db);
    if (this.#generation === started) this.commit(fresh);
    return fresh;
  }

  /** Installs a snapshot known to be current (after this isolate's own schema change). */
  commit(snapshot: SchemaSnapshot): void {
    this.#generation++;
    this.#snapshot = snapshot;
    this.#checkedAt = this.#clock();
  }

  /** Forgets the cache; the next read loads from D1. */
  invalidate(): void {
    this.#snapshot = undefined;
    this.#checkedAt = Number.NEGATIVE_INFINITY;
  }

  async #revalidate(db: D1Like, cached: SchemaSnapshot | undefined): Promise<SchemaSnapshot> {
    if (cached && (await readVersion(db)) === cached.version) {
      this.#checkedAt = this.#clock();
      return cached;
    }
    return this.load(db);
  }
}
