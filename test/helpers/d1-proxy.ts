/**
 * The one wrapper the D1 test doubles share: a Proxy around the REAL binding that keeps wrapping through
 * `withSession` (the records engine reads and writes through sessions) and lets a double replace `prepare`
 * and `batch`; everything else goes to the real binding untouched.
 */

/** What a double replaces; each gets the real (unwrapped) database or session. */
export interface D1Overrides {
  prepare(real: D1Database | D1DatabaseSession, sql: string): D1PreparedStatement;
  batch(real: D1Database | D1DatabaseSession, statements: D1PreparedStatement[]): Promise<D1Result[]>;
}

/** Wraps `target` (and every session it opens) with `overrides`. */
export function proxyD1<T extends D1Database | D1DatabaseSession>(target: T, overrides: D1Overrides): T {
  return new Proxy(target, {
    get(t, prop) {
      if (prop === "withSession")
        return (bookmark?: string) => proxyD1((t as D1Database).withSession(bookmark), overrides);
      if (prop === "prepare") return (sql: string) => overrides.prepare(t, sql);
      if (prop === "batch") return (statements: D1PreparedStatement[]) => overrides.batch(t, statements);
      const value = Reflect.get(t, prop, t);
      return typeof value === "function" ? value.bind(t) : value;
    },
  });
}
