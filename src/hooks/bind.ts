/** Binds an app's hooks to one request: record hooks for the records engine, auth hooks and the mail wrapper. */
import type { AuthHooks } from "../auth/flows/auth-hooks";
import type { Mailer } from "../auth/mailer";
import type { RecordDeps } from "../records/deps";
import type { WriteHooks } from "../records/write-hooks";
import { bindAuthHooks, hookedMailer } from "./auth-hooks";
import { bindRecordHooks, hookScope, type RequestScope } from "./record-hooks";
import type { HookRegistry } from "./registry";

/** The hooks of one request, ready for the ports that run them. */
export interface RequestHooks {
  records?: WriteHooks<RecordDeps>;
  auth?: AuthHooks;
  /** The mailer with the mail hooks in front of it (null stays null: no transport). */
  mailer(mailer: Mailer | null): Mailer | null;
}

/** Binds `registry` to the request `scope`; `deps` are the request's records deps (for `e.records`). */
export function bindHooks(registry: HookRegistry, scope: RequestScope, deps: RecordDeps): RequestHooks {
  const full = hookScope(registry, scope, deps);
  return {
    records: bindRecordHooks(registry, scope, deps),
    auth: bindAuthHooks(registry, full),
    mailer: (mailer) => mailer && hookedMailer(registry, full, mailer),
  };
}
