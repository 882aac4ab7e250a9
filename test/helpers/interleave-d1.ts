/**
 * Interleaving around the REAL D1 binding (not a mock): before the first write batch whose SQL matches a
 * pattern, a hook runs to completion (another request, on the unwrapped binding). This reproduces exactly the
 * window between a write's planning reads and its commit, which real concurrency hits only by chance.
 */

import { proxyD1 } from "./d1-proxy";

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
    return this.#wrap(this.#real);
  }

  #wrap(target: D1Database): D1Database {
    return proxyD1(target, {
      prepare: (t, sql) => this.#track(t.prepare(sql), sql),
      batch: async (t, statements) => {
        const pending = this.#pending;
        const sqls = statements.map((s) => this.#sql.get(s) ?? "");
        if (pending && sqls.some((s) => WRITE.test(s) && pending.pattern.test(s))) {
          this.#pending = null;
          await pending.hook();
          this.ran++;
        }
        return t.batch(statements);
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
