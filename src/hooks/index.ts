/** Hooks: TypeScript code run around record writes, sign-ins and mail, registered with `createEdgebase({ hooks })`. */
export { bindHooks, type RequestHooks } from "./bind";
export { bindRecordHooks, type RequestScope } from "./record-hooks";
export { HookDepthError } from "./records-helper";
export { HookRegistry } from "./registry";
export {
  type TypedAfterEvent,
  type TypedBeforeDeleteEvent,
  type TypedBeforeWriteEvent,
  type TypedHooks,
  typedHooks,
} from "./typed";
export type {
  AuthHook,
  AuthHookEvent,
  BeforeAuthEvent,
  BeforeRecordEvent,
  HookDefinition,
  HookRecordOptions,
  HookRecords,
  HookScope,
  MailHook,
  MailHookEvent,
  RecordHook,
  RecordHookEvent,
  RecordHookName,
} from "./types";
export { MAX_HOOK_DEPTH } from "./types";
