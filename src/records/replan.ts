/** Bounded re-planning of a write: on a stale schema snapshot, and (without If-Match) on a concurrent change. */
import { ApiError, conflict } from "../lib/errors";
import type { RecordDeps } from "./deps";
import { PlanError, StaleSchemaError } from "./plan";

/** How many times a write is planned in all before its conflict is answered. */
export const MAX_WRITE_ATTEMPTS = 3;

/** D1's words for a statement naming a column or table the schema no longer has (a plan from an old snapshot). */
const SCHEMA_MISMATCH = /no such column|has no column named|no such table/i;

/**
 * Runs `attempt` (plan + commit) up to {@link MAX_WRITE_ATTEMPTS} times. A write planned from a stale schema
 * snapshot (the batch's schema guard fired, or D1 refused a column or table while the schema version moved)
 * runs again on a freshly loaded snapshot, rules included; after the last try it is a 409, never a 500. With
 * `retryConflicts`, a 409 from a concurrent change of the row (or of a batch's rows: a PlanError) is re-planned
 * the same way.
 */
export async function withReplan<T>(
  deps: Pick<RecordDeps, "db" | "store">,
  attempt: () => Promise<T>,
  options: { retryConflicts: boolean },
): Promise<T> {
  for (let tries = 1; ; tries++) {
    const version = (await deps.store.snapshot(deps.db)).version;
    try {
      return await attempt();
    } catch (error) {
      const stale = error instanceof StaleSchemaError || (await schemaMoved(deps, error, version));
      const last = tries >= MAX_WRITE_ATTEMPTS;
      if (stale) {
        if (last) throw conflict("The collection's schema changed during the write; try again.");
        if (error instanceof StaleSchemaError) await deps.store.load(deps.db);
        continue;
      }
      const changed = options.retryConflicts && statusOf(error) === 409;
      if (!changed || last) throw error;
    }
  }
}

/**
 * True when `error` may come from a stale snapshot (D1 refusing an unknown column or table) and the schema
 * version moved since `version`.
 */
async function schemaMoved(deps: Pick<RecordDeps, "db" | "store">, error: unknown, version: string) {
  const suspicious =
    !(error instanceof ApiError) && error instanceof Error && SCHEMA_MISMATCH.test(error.message);
  return suspicious && (await deps.store.load(deps.db)).version !== version;
}

/** The HTTP status an error would answer, a batch's failed plan included. */
function statusOf(error: unknown): number | undefined {
  if (error instanceof PlanError) return error.error.status;
  return error instanceof ApiError ? error.status : undefined;
}
