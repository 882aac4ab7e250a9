/** drizzle client factory over a D1 database or D1 session, built on first use. */
import { type DrizzleD1Database, drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

/** A drizzle database typed with the system schema. */
export type Db = DrizzleD1Database<typeof schema>;

/** Wraps a D1 binding (or a D1 session from `withSession`) in drizzle with the system schema. */
export function createDb(d1: D1Database | D1DatabaseSession): Db {
  // drizzle only needs prepare/batch, which a D1 session also provides.
  return drizzle(d1 as D1Database, { schema });
}

/**
 * A drizzle client that is only built when a property of it is first read. Why: Edgebase itself queries
 * through raw D1 statements (drizzle-kit only generates the system migrations), so building drizzle's
 * relational config on every request would be pure overhead; library users' routes still get `c.var.db`.
 */
export function lazyDb(d1: D1Database | D1DatabaseSession): Db {
  let real: Db | undefined;
  const target = () => {
    real ??= createDb(d1);
    return real;
  };
  return new Proxy({} as Db, {
    get: (_, property) => {
      const value = Reflect.get(target(), property);
      return typeof value === "function" ? value.bind(target()) : value;
    },
    has: (_, property) => Reflect.has(target(), property),
  });
}
