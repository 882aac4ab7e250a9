/** The hook definitions `createEdgebase({ hooks })` takes, and the typed context each hook receives. */
import type { MailMessage } from "../auth/mailer";
import type { AuthCollection, Collection } from "../collections/collection";
import type { Logger } from "../observability/logger";
import type { RealtimePublisher } from "../realtime/custom-publish";
import type { AuthRecord } from "../rules/context";

/** Record hook names: before a write is planned (change, add errors, refuse) or after it committed. */
export type RecordHookName =
  | "record.beforeCreate"
  | "record.beforeUpdate"
  | "record.beforeDelete"
  | "record.afterCreate"
  | "record.afterUpdate"
  | "record.afterDelete";

/** Options of a helper write or read: `rules: false` acts as a superuser (the default applies the caller's rules). */
export interface HookRecordOptions {
  rules?: boolean;
}

/** Reads and writes of other records through the records engine (validation, rules, hooks, change events). */
export interface HookRecords {
  view(collection: string, id: string, options?: HookRecordOptions): Promise<Record<string, unknown>>;
  list(
    collection: string,
    query?: { filter?: string; sort?: string; page?: number; perPage?: number } & HookRecordOptions,
  ): Promise<{ items: Record<string, unknown>[]; totalItems: number }>;
  create(
    collection: string,
    body: Record<string, unknown>,
    options?: HookRecordOptions,
  ): Promise<Record<string, unknown>>;
  update(
    collection: string,
    id: string,
    body: Record<string, unknown>,
    options?: HookRecordOptions,
  ): Promise<Record<string, unknown>>;
  delete(collection: string, id: string, options?: HookRecordOptions): Promise<void>;
}

/** What every hook sees of the request it runs for. */
export interface HookScope {
  /** The caller's auth record, or null for a guest. */
  auth: AuthRecord | null;
  /** The request (its body already read), when the hook runs for one. */
  request?: Request;
  env: Cloudflare.Env;
  requestId: string;
  /** The request's logger (lines carry the request id). */
  log: Logger;
  records: HookRecords;
  /** Publishes to custom realtime topics (README "Custom topics"): `e.realtime.publish("chat/room1", data)`. */
  realtime: RealtimePublisher;
}

/** The context of a record hook. `R` types the record for hooks written against one collection. */
export interface RecordHookEvent<R extends Record<string, unknown> = Record<string, unknown>>
  extends HookScope {
  collection: Collection;
  /**
   * Before create/update: the submitted values (update: only the changed fields), which the hook may change in
   * place or replace. Before delete: the stored record. After: the committed record.
   */
  record: R;
  /** The stored record before an update or delete. */
  oldRecord?: R;
}

/** A before-hook's context: it may also add field errors (a 400 after all hooks ran), refuse, or skip the rule. */
export interface BeforeRecordEvent<R extends Record<string, unknown> = Record<string, unknown>>
  extends RecordHookEvent<R> {
  /** Adds a validation error on `field`; the write is refused with a 400 listing every error once hooks ran. */
  error(field: string, message: string, code?: string): void;
  /** Refuses the write now: a 400 (or `status`) with `message`; nothing is written. */
  refuse(message?: string, status?: number): never;
  /** Skips the collection's create/update/delete rule for this write (validation still applies). */
  bypassRules(): void;
}

/** A record hook: which event, optionally which collections (names or ids), and what to run, in order. */
export type RecordHook =
  | {
      on: "record.beforeCreate" | "record.beforeUpdate" | "record.beforeDelete";
      collections?: readonly string[];
      run(e: BeforeRecordEvent): void | Promise<void>;
    }
  | {
      on: "record.afterCreate" | "record.afterUpdate" | "record.afterDelete";
      collections?: readonly string[];
      run(e: RecordHookEvent): void | Promise<void>;
    };

/** The context of an auth hook: the auth collection, the record signing in, and how it proved itself. */
export interface AuthHookEvent extends HookScope {
  collection: AuthCollection;
  /** The auth record (decoded; no password hash or token key). */
  record: Record<string, unknown>;
  /** `password`, `otp`, `oauth2`, … for a sign-in; `refresh` for a token refresh. */
  method: string;
}

/** A before-auth hook's context: it may refuse the sign-in or the refresh. */
export interface BeforeAuthEvent extends AuthHookEvent {
  /** Refuses now: a 400 (or another 4xx `status`) with `message`; no token is issued. */
  refuse(message?: string, status?: number): never;
}

/** An auth hook: before a sign-in issues tokens, after it did, or before a token refresh. */
export type AuthHook =
  | {
      on: "auth.beforeSignIn" | "auth.beforeRefresh";
      collections?: readonly string[];
      run(e: BeforeAuthEvent): void | Promise<void>;
    }
  | { on: "auth.afterSignIn"; collections?: readonly string[]; run(e: AuthHookEvent): void | Promise<void> };

/** The context of a mail hook: the message about to be sent, which the hook may change, replace or skip. */
export interface MailHookEvent extends HookScope {
  /** The message; change it in place or assign a new one. The transport still checks the result. */
  message: MailMessage;
  /** Sends nothing (e.g. the hook delivered the message itself). */
  skip(): void;
}

/** A mail hook: runs before every email the auth flows send (verification, reset, email change, OTP). */
export interface MailHook {
  on: "mail.beforeSend";
  run(e: MailHookEvent): void | Promise<void>;
}

/** Any hook `createEdgebase({ hooks })` accepts. */
export type HookDefinition = RecordHook | AuthHook | MailHook;

/** How deep hooks may nest writes through `e.records` (a hook writing a record whose hook writes one, …). */
export const MAX_HOOK_DEPTH = 3;
