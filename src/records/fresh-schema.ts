/** Reads planned from an outdated schema snapshot: detected by D1's answer, re-planned once, else a 400. */
import { badRequest, notFound } from "../lib/errors";
import { type CollectionRef, findCollection, type RecordDeps } from "./deps";

/** SQLite's words for a column or table the statement names but the database no longer has. */
const STALE_SCHEMA = /no such column|no such table|has no column named/i;

/** True when `err` is D1 refusing a statement over a column or table that no longer exists. */
export function isStaleSchemaError(err: unknown): boolean {
  return err instanceof Error && STALE_SCHEMA.test(err.message);
}

/**
 * Runs `read` on collection `idOrName`. Another isolate may have removed or renamed a field a moment ago while
 * this isolate's snapshot still has it (snapshots are revalidated every couple of seconds): D1 then answers
 * "no such column". The schema is reloaded and `read` re-planned once, so the request gets what a fresh isolate
 * would give (a filter on a removed field is a 400 from the resolver); a second stale answer is a 400 too.
 * Why an unthrottled reload: it needs D1 to refuse a statement the snapshot planned, which only a real schema
 * change causes; identifiers are never spliced from input.
 */
export async function withFreshSchema<T>(
  deps: RecordDeps,
  idOrName: string,
  read: (ref: CollectionRef) => Promise<T>,
): Promise<T> {
  const ref = await findCollection(deps, idOrName);
  try {
    return await read(ref);
  } catch (err) {
    if (!isStaleSchemaError(err)) throw err;
  }
  const fresh = await deps.store.load(deps.db);
  const collection = fresh.find(idOrName);
  if (!collection) throw notFound("Missing collection context.");
  try {
    return await read({ snapshot: fresh, collection });
  } catch (err) {
    if (!isStaleSchemaError(err)) throw err;
    throw badRequest("The collection's schema changed while the request was read; try again.", {}, err);
  }
}
