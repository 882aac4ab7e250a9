/** The Hono environment shared by every route and middleware: bindings and per-request variables. */
import type { Logger } from "../observability/logger";
import type { AuthRecord } from "../rules/context";

/** Per-request variables set by middleware. */
export interface AppVariables {
  requestId: string;
  log: Logger;
  /** The authenticated record, or null for guests (set by the auth middleware; null until it proves otherwise). */
  auth: AuthRecord | null;
}

/** Hono's `Env` type parameter for the Edgebase app. */
export interface AppEnv {
  Bindings: Cloudflare.Env;
  Variables: AppVariables;
}
