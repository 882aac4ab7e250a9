/** Runs record hooks for one request: the WriteHooks port the records engine calls before planning and after commit. */
import type { Collection } from "../collections/collection";
import { ApiError, badRequest, type ErrorData, internalError } from "../lib/errors";
import { errorFields, type Logger } from "../observability/logger";
import type { RecordDeps } from "../records/deps";
import type { ChangeAction, ChangeEvent } from "../records/events";
import type { BeforeWriteResult, PendingWrite, WriteHooks } from "../records/write-hooks";
import { hookRecords } from "./records-helper";
import type { HookRegistry } from "./registry";
import type { BeforeRecordEvent, HookScope, RecordHookEvent } from "./types";

/** What a request hands its hooks: everything in HookScope but the helpers, which are built per write. */
export type RequestScope = Omit<HookScope, "records" | "auth">;

const BEFORE = {
  create: "record.beforeCreate",
  update: "record.beforeUpdate",
  delete: "record.beforeDelete",
} as const;
const AFTER = {
  create: "record.afterCreate",
  update: "record.afterUpdate",
  delete: "record.afterDelete",
} as const;

/**
 * The request's WriteHooks, or undefined when no hook is registered. `base` is the request's records deps:
 * after-hooks read and write through it. `depth` counts writes nested by hooks (0 for the request's own).
 */
export function bindRecordHooks(
  registry: HookRegistry,
  scope: RequestScope,
  base: RecordDeps,
  depth = 0,
): WriteHooks<RecordDeps> | undefined {
  if (registry.empty) return undefined;
  const nested = (deps: RecordDeps): RecordDeps => ({
    ...deps,
    hooks: bindRecordHooks(registry, scope, deps, depth + 1),
  });
  const context = (deps: RecordDeps, collection: Collection) => ({
    ...scope,
    auth: deps.ctx.auth,
    collection,
    records: hookRecords(deps, depth, nested),
  });
  return {
    wants: (action, collection) => registry.matching(BEFORE[action], collection).length > 0,
    before: (deps, write) => runBefore(registry, write, context(deps, write.collection)),
    after: (events) => runAfter(registry, events, scope.log, (c) => context(base, c)),
  };
}

async function runBefore(
  registry: HookRegistry,
  write: PendingWrite,
  context: Omit<RecordHookEvent, "record" | "oldRecord">,
): Promise<BeforeWriteResult> {
  const errors: ErrorData = {};
  let bypassRules = false;
  const event: BeforeRecordEvent = {
    ...context,
    record: write.action === "delete" ? { ...write.oldRecord } : write.body,
    oldRecord: write.action === "delete" ? undefined : write.oldRecord,
    error(field, message, code = "validation_hook") {
      errors[field] = { code: String(code), message: String(message) };
    },
    refuse(message = "The request was refused.", status = 400): never {
      const valid = Number.isInteger(status) && status >= 400 && status < 500;
      throw new ApiError(valid ? status : 400, String(message));
    },
    bypassRules() {
      bypassRules = true;
    },
  };
  if (write.action === "delete") event.oldRecord = write.oldRecord;
  for (const hook of registry.matching(BEFORE[write.action], write.collection)) {
    try {
      await hook.run(event);
    } catch (error) {
      // A hook's own ApiError is its answer (e.g. a 403); anything else is a bug: a 500 without its details.
      throw error instanceof ApiError ? error : internalError(error);
    }
  }
  if (Object.keys(errors).length > 0) throw badRequest("Failed to validate the submitted data.", errors);
  const body = write.action === "delete" ? write.body : asBody(event.record);
  return { body, bypassRules };
}

function asBody(record: unknown): Record<string, unknown> {
  if (typeof record !== "object" || record === null || Array.isArray(record))
    throw internalError(new TypeError("a before-hook replaced e.record with a non-object"));
  return record as Record<string, unknown>;
}

async function runAfter(
  registry: HookRegistry,
  events: readonly ChangeEvent[],
  log: Logger,
  context: (collection: Collection) => Omit<RecordHookEvent, "record" | "oldRecord">,
): Promise<void> {
  for (const change of events) {
    const action: ChangeAction = change.action;
    for (const hook of registry.matching(AFTER[action], change.collection)) {
      try {
        await hook.run({ ...context(change.collection), record: change.record, oldRecord: change.oldRecord });
      } catch (error) {
        log.error("after-hook failed", {
          hook: hook.on,
          collection: change.collection.name,
          ...errorFields(error),
        });
      }
    }
  }
}
