/**
 * Fault injection around the REAL R2 binding (not a mock): puts or deletes fail while armed; all else passes.
 * Reads are counted, so a test can see which requests reached R2 (e.g. past the edge cache).
 */

/** Which operations fail. */
export interface R2Faults {
  put?: boolean;
  delete?: boolean;
}

/** An R2 bucket whose puts/deletes throw while armed, delegating everything to the real binding otherwise. */
export class FaultyR2 {
  faults: R2Faults = {};
  /** Keys whose put was attempted while armed. */
  attempted: string[] = [];
  /** Reads that reached the bucket. */
  reads = { get: 0, head: 0 };
  readonly binding: R2Bucket;

  constructor(real: R2Bucket) {
    this.binding = new Proxy(real, {
      get: (target, prop) => {
        if (prop === "put") {
          return async (key: string, ...rest: unknown[]) => {
            this.attempted.push(key);
            if (this.faults.put) throw new Error("injected R2 put failure");
            return (target.put as (...a: unknown[]) => unknown).call(target, key, ...rest);
          };
        }
        if (prop === "delete") {
          return async (...args: unknown[]) => {
            if (this.faults.delete) throw new Error("injected R2 delete failure");
            return (target.delete as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        if (prop === "get" || prop === "head") this.reads[prop]++;
        const value = Reflect.get(target, prop, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  }
}
