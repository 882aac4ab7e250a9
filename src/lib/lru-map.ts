/** A bounded map that drops its least recently used entry: the per-isolate caches (parsed rules, keys, session checks) use it. */

/** Map with a size cap; `get` and `set` mark an entry as most recently used. */
export class LruMap<K, V> {
  #max: number;
  #map = new Map<K, V>();

  constructor(maxEntries: number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError("maxEntries must be >= 1");
    this.#max = maxEntries;
  }

  /** The value for `key`, marking it most recently used. */
  get(key: K): V | undefined {
    if (!this.#map.has(key)) return undefined;
    const value = this.#map.get(key) as V;
    this.#map.delete(key);
    this.#map.set(key, value);
    return value;
  }

  /** Stores `value`; beyond the cap the least recently used entry goes (Map keeps insertion order). */
  set(key: K, value: V): void {
    this.#map.delete(key);
    this.#map.set(key, value);
    if (this.#map.size > this.#max) {
      const oldest = this.#map.keys().next().value;
      if (oldest !== undefined) this.#map.delete(oldest);
    }
  }

  /** Removes `key`. */
  delete(key: K): void {
    this.#map.delete(key);
  }

  /** The keys, least recently used first (a snapshot: safe to delete while iterating). */
  keys(): K[] {
    return [...this.#map.keys()];
  }

  /** How many entries are held. */
  get size(): number {
    return this.#map.size;
  }
}
