/**
 * Interleaving around the REAL D1 binding (not a mock): before the first write batch whose SQL matches a
 * pattern, a hook runs to completion (another request, on the unwrapped binding). This reproduces exactly the
 * window between a write's planning reads and its commit, which real concurrency hits only by chance.
 */

const WRITE = /^\s*(?:INSERT|UPDATE|DELETE|REPLACE)\b/i;

/** A D1 binding that runs `hook` once, before the first write batch holding a statement matching `pattern`. */
export class InterleavedD1 {
  /** How many times the hook ran (0 or 1 per {@link InterleavedD1.before}). */
  ran = 0;
  #pending: { pattern: RegExp; hook: () => Promise<void> } | null = null;
  readonly #sql = new WeakMap<object, string>();
  readonly #real: D1Database;

  constructor(real: D1Database) {
    this.#real = real;
  }

  /** Arms the hook for the next matching write batch. */
  before(pattern: RegExp, hook: () => Promise<void>): void {
    this.#pending = { pattern, hook };
    this.ran = 0;
  }

  /** The wrapped binding, to pass as `env.DB`. */
  get binding(): D1Database {
    return this.#wrap(this.#real) as unknown as D1Database;
  }

  #wrap(target: D1Database | D1DatabaseSession): D1Database | D1DatabaseSession {
    const self = this;
    return new Proxy(target, {
      get(t, prop) {
        if (prop === "withSession")
          return (bookmark?: string) => self.#wrap((t as D1Database).withSession(bookmark));
        if (prop === "prepare") return (sql: string) => self.#track(t.prepare(sql), sql);
        if (prop === "batch")
          return async (statements: D1PreparedStatement[]) => {
            const pending = self.#pending;
            const sqls = statements.map((s) => self.#sql.get(s) ?? "");
            if (pending && sqls.some((s) => WRITE.test(s) && pending.pattern.test(s))) {
              self.#pending = null;
              await pending.hook();
              self.ran++;
            }
            return t.batch(statements);
          };
        const value = Reflect.get(t, prop, t);
        return typeof value === "function" ? value.bind(t) : value;
      },
    });
  }

  #track(stmt: D1PreparedStatement, sql: string): D1PreparedStatement {
    this.#sql.set(stmt, sql);
    const bind = stmt.bind.bind(stmt);
    // The statement stays the real one (D1's batch accepts only its own); only `bind` is wrapped to keep the SQL.
    Object.defineProperty(stmt, "bind", {
      value: (...values: unknown[]) => this.#track(bind(...values), sql),
    });
    return stmt;
  }
}
