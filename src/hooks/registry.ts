/** The hook registry: definitions validated once at build time, looked up by name and collection in order. */
import { type RealtimePublisher, realtimeOff } from "../realtime/custom-publish";
import type { HookDefinition } from "./types";

const NAMES = new Set<string>([
  "record.beforeCreate",
  "record.beforeUpdate",
  "record.beforeDelete",
  "record.afterCreate",
  "record.afterUpdate",
  "record.afterDelete",
  "auth.beforeSignIn",
  "auth.afterSignIn",
  "auth.beforeRefresh",
  "mail.beforeSend",
]);

/** The hooks of one app, in registration order. */
export class HookRegistry {
  readonly #hooks: readonly HookDefinition[];
  /** What hooks publish custom realtime messages with (`e.realtime`). */
  readonly realtime: RealtimePublisher;

  /**
   * Throws on an unknown hook name or a malformed definition, so mistakes fail at startup, not per request.
   * `realtime` is the app's publisher (default: one that refuses, as an app without realtime has).
   */
  constructor(hooks: readonly HookDefinition[] = [], realtime: RealtimePublisher = realtimeOff) {
    this.realtime = realtime;
    for (const [i, hook] of hooks.entries()) {
      if (!NAMES.has(hook.on)) throw new TypeError(`hooks[${i}]: unknown hook "${String(hook.on)}"`);
      if (typeof hook.run !== "function") throw new TypeError(`hooks[${i}]: run must be a function`);
      const collections = "collections" in hook ? hook.collections : undefined;
      if (collections !== undefined && !collections.every((c) => typeof c === "string"))
        throw new TypeError(`hooks[${i}]: collections must be a list of collection names or ids`);
    }
    this.#hooks = [...hooks];
  }

  /** True when no hook is registered. */
  get empty(): boolean {
    return this.#hooks.length === 0;
  }

  /** The hooks of `name` for a collection (by name or id; no or an empty filter matches all), in order. */
  matching<N extends HookDefinition["on"]>(
    name: N,
    collection?: { id: string; name: string },
  ): Extract<HookDefinition, { on: N }>[] {
    return this.#hooks.filter(
      (h): h is Extract<HookDefinition, { on: N }> =>
        h.on === name && matches("collections" in h ? h.collections : undefined, collection),
    );
  }
}

function matches(
  filter: readonly string[] | undefined,
  collection: { id: string; name: string } | undefined,
) {
  if (filter === undefined || filter.length === 0 || collection === undefined) return true;
  return filter.includes(collection.name) || filter.includes(collection.id);
}
