/** Viewing one record: the viewRule is part of the SELECT's WHERE; no match is a 404. */
import { quoteIdent } from "../db/sql";
import { notFound } from "../lib/errors";
import { MAX_BOUND_PARAMS } from "../rules/limits";
import { ruleTerm, scopeFor, termSql } from "./compile";
import type { CollectionRef, RecordDeps } from "./deps";
import { withFreshSchema } from "./fresh-schema";
import type { ViewParams } from "./query-params";
import { hashEtag, toRecordJson } from "./record-json";
import { renderJson } from "./render";

/** A record as returned by a read, with its version tag. */
export interface ViewResult {
  record: unknown;
  etag: string;
}

/**
 * Reads one stored row the caller may access under `ruleName` (viewRule for reads; update/delete rules for
 * their pre-checks). Returns undefined when it does not exist or the rule filters it out.
 */
export async function readAccessible(
  deps: RecordDeps,
  ref: CollectionRef,
  id: string,
  rule: string | null,
): Promise<Record<string, unknown> | undefined> {
  const scope = scopeFor(ref.snapshot, ref.collection, deps.ctx);
  const term = ruleTerm(rule, scope, MAX_BOUND_PARAMS - 1);
  const ruleSql = term ? termSql(term, scope) : null;
  const sql = `SELECT ${scope.alias}.* FROM ${quoteIdent(ref.collection.name)} ${scope.alias} WHERE ${scope.alias}.id = ?${ruleSql ? ` AND ${ruleSql.sql}` : ""} LIMIT 1`;
  const row = await deps.db
    .prepare(sql)
    .bind(id, ...(ruleSql?.params ?? []))
    .first<Record<string, unknown>>();
  return row ?? undefined;
}

/** GET …/records/{id} (re-planned once on a just-changed schema). */
export async function viewRecord(
  deps: RecordDeps,
  collectionName: string,
  id: string,
  params: ViewParams,
): Promise<ViewResult> {
  return withFreshSchema(deps, collectionName, async (ref) => {
    const row = await readAccessible(deps, ref, id, ref.collection.viewRule);
    if (!row) throw notFound();
    // The JSON is built once: hashed first (this is etagOf's value), since expand then adds to it in place.
    const json = toRecordJson(ref.collection, row, deps.ctx);
    const etag = await hashEtag(json);
    const [record] = await renderJson(deps, ref, [{ row, json }], params);
    return { record, etag };
  });
}
