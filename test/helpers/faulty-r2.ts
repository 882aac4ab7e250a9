/** Fault injection around the REAL R2 binding (not a mock): puts or deletes fail while armed; all else passes. */

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
        const value = Reflect.get(target, prop, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  }
}
