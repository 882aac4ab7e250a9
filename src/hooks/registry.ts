/** The hook registry: definitions validated once at build time, looked up by name and collection in order. */
import type { HookDefinition } from "./types";

const NAMES = new Set<string>([
  "record.beforeCreate",
  "record.beforeUpdate",
  "record.beforeDelete",
  "record.afterCreate",
  "record.afterUpdate",
  "record.afterDelete",
]);

/** The hooks of one app, in registration order. */
export class HookRegistry {
  readonly #hooks: readonly HookDefinition[];

  /** Throws on an unknown hook name or a malformed definition, so mistakes fail at startup, not per request. */
  constructor(hooks: readonly HookDefinition[] = []) {
    for (const [i, hook] of hooks.entries()) {
      if (!NAMES.has(hook.on)) throw new TypeError(`hooks[${i}]: unknown hook "${String(hook.on)}"`);
      if (typeof hook.run !== "function") throw new TypeError(`hooks[${i}]: run must be a function`);
      if (hook.collections !== undefined && !hook.collections.every((c) => typeof c === "string"))
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
        h.on === name &&
        (h.collections === undefined ||
          h.collections.length === 0 ||
          collection === undefined ||
          h.collections.includes(collection.name) ||
          h.collections.includes(collection.id)),
    );
  }
}
