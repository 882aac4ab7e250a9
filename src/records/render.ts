/** Stored rows to response bodies: record JSON, expand, then the fields projection. */
import type { CollectionRef, RecordDeps } from "./deps";
import { expandRecords } from "./expand";
import { fieldsTree, projectFields } from "./projection";
import type { ViewParams } from "./query-params";
import { type RecordJson, toRecordJson } from "./record-json";

/** Renders stored rows as the API returns them: JSON, expand, then the fields projection. */
export async function renderRecords(
  deps: RecordDeps,
  ref: CollectionRef,
  rows: Record<string, unknown>[],
  params: ViewParams,
): Promise<unknown[]> {
  const items = rows.map((row) => ({ row, json: toRecordJson(ref.collection, row, deps.ctx) as RecordJson }));
  return renderJson(deps, ref, items, params);
}

/**
 * {@link renderRecords} from rows whose record JSON the caller already built (a view hashes it for the ETag
 * first). Expand adds to each `json` in place.
 */
export async function renderJson(
  deps: RecordDeps,
  ref: CollectionRef,
  items: { row: Record<string, unknown>; json: RecordJson }[],
  params: ViewParams,
): Promise<unknown[]> {
  if (params.expand.length > 0) await expandRecords(deps, ref, items, params.expand);
  const tree = params.fields ? fieldsTree(params.fields) : null;
  return items.map((item) => (tree ? projectFields(item.json, tree) : item.json));
}
