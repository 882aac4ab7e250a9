/** Runs every request on a D1 session started from the client's `x-d1-bookmark` and returns the new one. */
import type { MiddlewareHandler } from "hono";
import { RequestSessions } from "../../db/session";
import type { AppEnv } from "../context";

/** The header a client echoes back so replicas serve it data at least as new as its last response. */
export const BOOKMARK_HEADER = "x-d1-bookmark";

/** The environment value that turns the Sessions API on: set it once read replication is enabled on the database. */
export interface D1ReplicationEnv {
  /** "on": every request runs on a D1 session (replicas may answer reads); anything else: on the binding. */
  EDGEBASE_D1_READ_REPLICATION?: string;
}

/** Options of {@link d1Session}. */
export interface D1SessionOptions {
  /**
   * Requests whose every read must see the latest state (auth-refresh): their default session starts on the
   * primary and is also `sessions.primary()`, so what the token middleware read is what the route would read.
   */
  primaryFirst?: (method: string, path: string) => boolean;
}

/**
 * Sets `c.var.db`, `c.var.d1` and `c.var.sessions`, then answers with the newest bookmark the request
 * reached (the client's own when no query ran; empty when neither exists). A malformed incoming bookmark
 * is ignored: the session then starts unconstrained. Sessions are opened only with
 * `EDGEBASE_D1_READ_REPLICATION = "on"`: D1 enables replication per database, and without it every query goes
 * to the primary anyway, so the requests run on the binding and echo the client's bookmark.
 */
export function d1Session(options: D1SessionOptions = {}): MiddlewareHandler<AppEnv> {
  const primaryFirst = options.primaryFirst ?? (() => false);
  return async (c, next) => {
    const mode = primaryFirst(c.req.method, c.req.path) ? "primary" : "unconstrained";
    const replicated = (c.env as D1ReplicationEnv).EDGEBASE_D1_READ_REPLICATION === "on";
    const sessions = new RequestSessions(c.env.DB, c.req.header(BOOKMARK_HEADER) ?? null, mode, replicated);
    c.set("sessions", sessions);
    c.set("d1", sessions.d1);
    c.set("db", sessions.db);
    await next();
    // A WebSocket upgrade (101) cannot be copied to change its headers; its socket carries no bookmark.
    if (c.res.status === 101) return;
    c.header(BOOKMARK_HEADER, sessions.bookmark() ?? "");
  };
}
