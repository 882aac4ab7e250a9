/**
 * Fault injection around the REAL D1 binding (not a mock): every write call (a batch holding a write, or one
 * write statement run alone) is recorded, and a planned one fails at its Nth statement. A batch fails the way
 * D1 fails, inside its transaction: a statement that cannot run is inserted before statement N, so statements
 * 0..N-1 run and are rolled back with the rest. A single statement planned to fail throws before it runs.
 */

import { proxyD1 } from "./d1-proxy";

/** Where to fail: the `call`-th write call of the request (0-based), at its `statement`-th statement. */
export interface FaultPlan {
  call: number;
  statement: number;
}

/** One write call as recorded: how many statements it had and the first words of each. */
export interface WriteCall {
  kind: "batch" | "single";
  statements: string[];
}

/** A statement that cannot run: D1 rejects it, which aborts (and rolls back) the batch holding it. */
const FAILING_SQL = "SELECT * FROM __edgebase_injected_fault";
const WRITE = /^\s*(?:INSERT|UPDATE|DELETE|REPLACE|CREATE|ALTER|DROP)\b/i;
const REAL = Symbol("real statement");

type Prepared = D1PreparedStatement & { [REAL]?: D1PreparedStatement; [SQL]?: string };
const SQL = Symbol("sql");

/** A D1 binding whose write calls are recorded and may fail as planned. */
export class FaultyD1 {
  /** Write calls seen since the last {@link FaultyD1.arm}. */
  calls: WriteCall[] = [];
  /** Whether the planned fault fired. */
  fired = false;
  #plan: FaultPlan | null = null;
  readonly #real: D1Database;

  constructor(real: D1Database) {
    this.#real = real;
  }

  /** Plans the next fault (null: record only) and clears the record. */
  arm(plan: FaultPlan | null): void {
    this.#plan = plan;
    this.calls = [];
    this.fired = false;
  }

  /** The wrapped binding, to pass as `env.DB`. */
  get binding(): D1Database {
    return this.#wrap(this.#real);
  }

  #wrap(target: D1Database): D1Database {
    return proxyD1(target, {
      prepare: (t, sql) => this.#statement(t, t.prepare(sql), sql),
      batch: (t, statements: Prepared[]) => {
        const real = statements.map((s) => s[REAL] ?? s);
        const sqls = statements.map((s) => s[SQL] ?? "?");
        if (!sqls.some((s) => WRITE.test(s))) return t.batch(real);
        const index = this.#record({ kind: "batch", statements: sqls.map(head) });
        if (this.#plan?.call !== index) return t.batch(real);
        this.fired = true;
        const at = Math.min(this.#plan.statement, real.length);
        return t.batch([...real.slice(0, at), t.prepare(FAILING_SQL), ...real.slice(at)]);
      },
    });
  }

  #statement(db: D1Database | D1DatabaseSession, stmt: D1PreparedStatement, sql: string): Prepared {
    const self = this;
    const runner =
      (name: "run" | "all" | "first" | "raw") =>
      (...args: unknown[]) => {
        if (WRITE.test(sql)) {
          const index = self.#record({ kind: "single", statements: [head(sql)] });
          if (self.#plan?.call === index) {
            self.fired = true;
            // Run the failing statement on the real binding, so the error is D1's own.
            return db.prepare(FAILING_SQL).run();
          }
        }
        return (stmt[name] as (...a: unknown[]) => unknown).apply(stmt, args);
      };
    const proxy: Prepared = new Proxy(stmt as Prepared, {
      get(t, prop) {
        if (prop === REAL) return stmt;
        if (prop === SQL) return sql;
        if (prop === "bind") return (...values: unknown[]) => self.#statement(db, t.bind(...values), sql);
        if (prop === "run" || prop === "all" || prop === "first" || prop === "raw") return runner(prop);
        const value = Reflect.get(t, prop, t);
        return typeof value === "function" ? value.bind(t) : value;
      },
    });
    return proxy;
  }

  #record(call: WriteCall): number {
    this.calls.push(call);
    return this.calls.length - 1;
  }
}

function head(sql: string): string {
  return sql.trim().replace(/\s+/g, " ").slice(0, 40);
}

/**
 * Every fault plan for a request whose write calls were `calls`: each write call failing at each of its
 * statements, and after its last one (the commit itself failing).
 */
export function everyFault(calls: WriteCall[]): FaultPlan[] {
  return calls.flatMap((c, call) =>
    Array.from({ length: c.kind === "batch" ? c.statements.length + 1 : 1 }, (_, statement) => ({
      call,
      statement,
    })),
  );
}
