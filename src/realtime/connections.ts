/** A hub's live connection state in one place: sockets and their state, the topic index, and message rates. */
import { type ConnectionState, ConnectionStates } from "./connection-state";
import type { Subscription } from "./protocol";

/** One socket's message count in the current one-second window. */
interface RateWindow {
  window: number;
  count: number;
}

/**
 * Every in-memory structure a hub keeps per connection. Each entry belongs to an open socket and goes with
 * {@link Connections.forget}, so the sizes are bounded by the sockets the hub holds. State is persisted
 * through {@link ConnectionStates} (attachments, SQLite past 2 KB) and rebuilt by {@link Connections.restore}.
 */
export class Connections {
  readonly #stored: ConnectionStates;
  readonly #states = new Map<WebSocket, ConnectionState>();
  /** Sockets by index key (`records:*`, `records:ID`, `presence:R`, `broadcast:R`, `topic:T`). */
  readonly #byKey = new Map<string, Set<WebSocket>>();
  /** Reset by a wake-up: that only forgives. */
  readonly #rates = new Map<WebSocket, RateWindow>();

  constructor(sql: SqlStorage) {
    this.#stored = new ConnectionStates(sql);
  }

  /** Rebuilds state and index from the sockets' attachments (after a wake-up); drops orphaned spilled state. */
  restore(sockets: readonly WebSocket[]): void {
    const live = new Set<string>();
    for (const ws of sockets) {
      const state = this.#stored.load(ws);
      if (!state) continue;
      live.add(state.id);
      this.#states.set(ws, state);
      for (const sub of state.subs) this.#index(ws, sub);
    }
    this.#stored.prune(live);
  }

  /** Starts tracking a newly accepted socket. */
  add(ws: WebSocket, state: ConnectionState): void {
    this.#states.set(ws, state);
    this.#stored.save(ws, state);
  }

  /** A socket's state, or undefined for one this hub no longer tracks. */
  get(ws: WebSocket): ConnectionState | undefined {
    return this.#states.get(ws);
  }

  /** Persists a changed state (after a subscription change or an auth refresh). */
  save(ws: WebSocket, state: ConnectionState): void {
    this.#stored.save(ws, state);
  }

  /** Adds or replaces a subscription (by topic) and persists the state; returns the replaced one. */
  subscribe(ws: WebSocket, state: ConnectionState, sub: Subscription): Subscription | undefined {
    const previous = this.unsubscribe(ws, state, sub.topic, false);
    state.subs.push(sub);
    this.#index(ws, sub);
    this.#stored.save(ws, state);
    return previous;
  }

  /** Removes a subscription by topic; returns it, or undefined when there was none. */
  unsubscribe(
    ws: WebSocket,
    state: ConnectionState,
    topic: string,
    persist = true,
  ): Subscription | undefined {
    const index = state.subs.findIndex((s) => s.topic === topic);
    if (index < 0) return undefined;
    const [sub] = state.subs.splice(index, 1) as [Subscription];
    this.#unindex(ws, sub);
    if (persist) this.#stored.save(ws, state);
    return sub;
  }

  /** The sockets subscribed under an index key. */
  sockets(key: string): ReadonlySet<WebSocket> {
    return this.#byKey.get(key) ?? EMPTY;
  }

  /** Counts a message in the socket's current one-second window and returns the count. */
  countMessage(ws: WebSocket, nowSeconds: number): number {
    const rate = this.#rates.get(ws);
    const count = rate && rate.window === nowSeconds ? rate.count + 1 : 1;
    this.#rates.set(ws, { window: nowSeconds, count });
    return count;
  }

  /** Forgets a socket entirely and returns the state it had (callers announce presence leaves with it). */
  forget(ws: WebSocket): ConnectionState | undefined {
    const state = this.#states.get(ws);
    if (!state) return undefined;
    for (const sub of state.subs) this.#unindex(ws, sub);
    this.#states.delete(ws);
    this.#rates.delete(ws);
    this.#stored.drop(state.id);
    return state;
  }

  /** Entry counts of every in-memory structure (for bound tests and diagnostics). */
  sizes(): { connections: number; indexKeys: number; indexEntries: number; rates: number } {
    let indexEntries = 0;
    for (const set of this.#byKey.values()) indexEntries += set.size;
    return {
      connections: this.#states.size,
      indexKeys: this.#byKey.size,
      indexEntries,
      rates: this.#rates.size,
    };
  }

  #index(ws: WebSocket, sub: Subscription): void {
    const key = indexKeyOf(sub);
    const set = this.#byKey.get(key) ?? new Set<WebSocket>();
    this.#byKey.set(key, set);
    set.add(ws);
  }

  #unindex(ws: WebSocket, sub: Subscription): void {
    const key = indexKeyOf(sub);
    const set = this.#byKey.get(key);
    set?.delete(ws);
    if (set?.size === 0) this.#byKey.delete(key);
  }
}

const EMPTY: ReadonlySet<WebSocket> = new Set();

/** The index key of a subscription: `presence:R`, `broadcast:R`, `topic:T`, or `records:ID` / `records:*`. */
export function indexKeyOf(sub: Subscription): string {
  if (sub.custom) return customTopicKey(sub.topic);
  const slash = sub.topic.indexOf("/");
  const head = sub.topic.slice(0, slash);
  const tail = sub.topic.slice(slash + 1);
  if (head === "presence" || head === "broadcast") return `${head}:${tail}`;
  return recordsKey(tail);
}

/** The index key of a record id's subscribers (`*` for every record). */
export function recordsKey(recordId: string): string {
  return `records:${recordId}`;
}

/** The index key of a custom topic's subscribers. */
export function customTopicKey(topic: string): string {
  return `topic:${topic}`;
}
