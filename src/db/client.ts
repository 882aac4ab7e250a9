/** drizzle client factory over a D1 database or D1 session. */
import { type DrizzleD1Database, drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

/** A drizzle database typed with the system schema. */
export type Db = DrizzleD1Database<typeof schema>;

/** Wraps a D1 binding (or a D1 session from `withSession`) in drizzle with the system schema. */
export function createDb(d1: D1Database | D1DatabaseSession): Db {
  // drizzle only needs prepare/batch, which a D1 session also provides.
  return drizzle(d1 as D1Database, { schema });
}
