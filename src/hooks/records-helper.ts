/** `e.records`: hooks read and write other records through the records engine, with the caller's rules or none. */
import { internalError } from "../lib/errors";
import { createRecord } from "../records/create";
import { deleteRecord } from "../records/delete";
import type { RecordDeps } from "../records/deps";
import { listRecords } from "../records/list";
import { parseListParams, parseViewParams } from "../records/query-params";
import { updateRecord } from "../records/update";
import { viewRecord } from "../records/view";
import { type HookRecordOptions, type HookRecords, MAX_HOOK_DEPTH } from "./types";

/** Thrown when hooks nest writes deeper than MAX_HOOK_DEPTH (a hook that triggers itself, directly or not). */
export class HookDepthError extends Error {
  override name = "HookDepthError";
}

/**
 * The helpers for a hook running at `depth` (0 for a request's own write). `nested(deps)` gives the deps a
 * helper write runs with: the same request, its hooks one level deeper.
 */
export function hookRecords(
  deps: RecordDeps,
  depth: number,
  nested: (deps: RecordDeps) => RecordDeps,
): HookRecords {
  const as = (options: HookRecordOptions | undefined): RecordDeps => {
    if (depth >= MAX_HOOK_DEPTH)
      throw internalError(new HookDepthError(`hooks nested record writes deeper than ${MAX_HOOK_DEPTH}`));
    const ctx = options?.rules === false ? { ...deps.ctx, isSuperuser: true } : deps.ctx;
    return nested({ ...deps, ctx });
  };
  const view = parseViewParams({});
  return {
    view: async (collection, id, options) =>
      (await viewRecord(as(options), collection, id, view)).record as Record<string, unknown>,
    list: async (collection, query = {}) => {
      const params = parseListParams({
        filter: query.filter,
        sort: query.sort,
        page: query.page === undefined ? undefined : String(query.page),
        perPage: query.perPage === undefined ? undefined : String(query.perPage),
      });
      const result = await listRecords(as(query), collection, params);
      return { items: result.items as Record<string, unknown>[], totalItems: result.totalItems };
    },
    create: async (collection, body, options) =>
      (await createRecord(as(options), collection, body, view)).record as Record<string, unknown>,
    update: async (collection, id, body, options) =>
      (await updateRecord(as(options), collection, id, body, view)).record as Record<string, unknown>,
    delete: (collection, id, options) => deleteRecord(as(options), collection, id),
  };
}
