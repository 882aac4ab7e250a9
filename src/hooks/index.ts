/** Hooks: TypeScript code run around record writes, registered with `createEdgebase({ hooks })`. */
export { bindRecordHooks, type RequestScope } from "./record-hooks";
export { HookDepthError } from "./records-helper";
export { HookRegistry } from "./registry";
export type {
  BeforeRecordEvent,
  HookDefinition,
  HookRecordOptions,
  HookRecords,
  HookScope,
  RecordHook,
  RecordHookEvent,
  RecordHookName,
} from "./types";
export { MAX_HOOK_DEPTH } from "./types";
