/** Runs record hooks for one request: the WriteHooks port the records engine calls before planning and after commit. */
import type { Collection } from "../collections/collection";
import { badRequest, type ErrorData, internalError } from "../lib/errors";
import { errorFields, type Logger } from "../observability/logger";
import type { RecordDeps } from "../records/deps";
import type { ChangeAction, ChangeEvent } from "../records/events";
import type { BeforeWriteResult, PendingWrite, WriteHooks } from "../records/write-hooks";
import { hookRecords } from "./records-helper";
import { refuse, runBeforeHook } from "./refuse";
import type { HookRegistry } from "./registry";
import type { BeforeRecordEvent, HookScope, RecordHookEvent } from "./types";

/** What a request hands its hooks: everything in HookScope but the helpers, which are built per write. */
export type RequestScope = Omit<HookScope, "records" | "auth" | "realtime">;

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
  const context = (deps: RecordDeps, collection: Collection) => ({
    ...hookScope(registry, scope, deps, depth),
    collection,
  });
  return {
    wants: (action, collection) => registry.matching(BEFORE[action], collection).length > 0,
    before: (deps, write) => runBefore(registry, write, context(deps, write.collection)),
    after: (events) => runAfter(registry, events, scope.log, (c) => context(base, c)),
  };
}

/**
 * The scope a hook sees: the request's, the caller, `e.records` writing one nesting level deeper, and the
 * app's realtime publisher.
 */
export function hookScope(
  registry: HookRegistry,
  scope: RequestScope,
  deps: RecordDeps,
  depth = 0,
): HookScope {
  const nested = (d: RecordDeps): RecordDeps => ({
    ...d,
    hooks: bindRecordHooks(registry, scope, d, depth + 1),
  });
  return {
    ...scope,
    auth: deps.ctx.auth,
    records: hookRecords(deps, depth, nested),
    realtime: registry.realtime,
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
    refuse,
    bypassRules() {
      bypassRules = true;
    },
  };
  if (write.action === "delete") event.oldRecord = write.oldRecord;
  for (const hook of registry.matching(BEFORE[write.action], write.collection)) {
    await runBeforeHook(() => hook.run(event));
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
