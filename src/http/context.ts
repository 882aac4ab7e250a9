/** The Hono environment shared by every route and middleware: bindings and per-request variables. */
import type { LoadedAuthRow } from "../auth/flows/refresh";
import type { TokenClaims } from "../auth/tokens";
import type { Db } from "../db/client";
import type { RequestSessions } from "../db/session";
import type { Logger } from "../observability/logger";
import type { Settings } from "../ops/settings";
import type { AuthRecord } from "../rules/context";

/** Per-request variables set by middleware. */
export interface AppVariables {
  requestId: string;
  log: Logger;
  /** The authenticated record, or null for guests (set by the auth middleware; null until it proves otherwise). */
  auth: AuthRecord | null;
  /** The verified access token's claims (session id, refreshable) when `auth` came from a token; else null. */
  authToken: TokenClaims<"auth"> | null;
  /** The stored row behind `auth` as the token middleware read it, and the D1 session it read it from. */
  authRow: LoadedAuthRow | null;
  /** The effective settings (ops/settings), loaded per isolate within the schema check bound. */
  settings: Settings;
  /** drizzle over this request's D1 session (started from the client's `x-d1-bookmark`). */
  db: Db;
  /** The raw D1 session behind `db`, for statements drizzle does not build. */
  d1: D1DatabaseSession;
  /** This request's D1 sessions: `primary()` for checks that must see the latest state (uniqueness, auth). */
  sessions: RequestSessions;
  /** Set by routes that applied `?fields=` themselves (records), so the generic picker leaves them alone. */
  projected?: boolean;
}

/** Hono's `Env` type parameter for the Edgebase app. */
export interface AppEnv {
  Bindings: Cloudflare.Env;
  Variables: AppVariables;
}
