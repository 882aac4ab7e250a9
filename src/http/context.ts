/** The Hono environment shared by every route and middleware: bindings and per-request variables. */
import type { Logger } from "../observability/logger";

/** Per-request variables set by middleware. */
export interface AppVariables {
  requestId: string;
  log: Logger;
}

/** Hono's `Env` type parameter for the Edgebase app. */
export interface AppEnv {
  Bindings: Cloudflare.Env;
  Variables: AppVariables;
}
