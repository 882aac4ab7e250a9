/** Fault injection around the REAL KV binding: while `down`, every call rejects as an unreachable KV would. */

/** A KV namespace that forwards to the real one, or fails every call while {@link FaultyKv.down} is set. */
export class FaultyKv {
  /** While true, every KV call rejects. */
  down = false;
  /** Calls that were refused while down (proves the app did reach KV). */
  refused = 0;
  readonly #real: KVNamespace;

  constructor(real: KVNamespace) {
    this.#real = real;
  }

  /** The wrapped binding, to pass as `env.CACHE`. */
  get binding(): KVNamespace {
    return new Proxy(this.#real, {
      get: (t, prop) => {
        const value = Reflect.get(t, prop, t);
        if (typeof value !== "function") return value;
        return (...args: unknown[]) => {
          if (this.down) {
            this.refused++;
            return Promise.reject(new Error("KV unavailable (injected fault)"));
          }
          return (value as (...a: unknown[]) => unknown).apply(t, args);
        };
      },
    });
  }
}
