/** The default authentication: `Authorization: TOKEN` or `Bearer TOKEN` -> c.var.auth, or a guest saying why. */
import type { Context, MiddlewareHandler } from "hono";
import { authenticateAccessToken } from "../../auth/authenticate";
import { subjectLoader, toAuthRecord } from "../../auth/flows/auth-records";
import type { PresentedToken } from "../../auth/flows/refresh";
import type { RecentAuthRows } from "../../auth/recent-auth-rows";
import type { SessionChecker } from "../../auth/session-check";
import { TokenError, tokenWwwAuthenticate } from "../../auth/token-error";
import { VerifiedTokens } from "../../auth/verified-tokens";
import type { CollectionStore } from "../../collections/store";
import type { AppEnv } from "../context";

/** The token in an Authorization header: the whole value, or what follows `Bearer ` (any casing); null if none. */
export function bearerToken(header: string | undefined): string | null {
  if (header === undefined) return null;
  const value = header.trim();
  if (value === "") return null;
  const match = /^bearer\s+(.*)$/i.exec(value);
  return match ? (match[1] ?? "").trim() : value;
}

/**
 * The request's access token: the Authorization header only. A token in a URL ends up in proxy and platform
 * logs and in browser history, so browsers open WebSockets with a single-use ticket (`POST /api/realtime/ticket`,
 * then `?ticket=`) instead.
 */
export function requestToken(req: { header(name: string): string | undefined }) {
  return bearerToken(req.header("authorization"));
}

/** What the token middleware is built with (once per app). */
export interface TokenAuthOptions {
  store: CollectionStore;
  /** The isolate's session checker (created on first use: bindings are per request). */
  checker: (env: Cloudflare.Env) => SessionChecker;
  /** The isolate's memo of auth records (auth/recent-auth-rows.ts says its bound); without it, every read is fresh. */
  recent?: RecentAuthRows;
  /** Requests whose token's record must be read from D1 now (auth-refresh: it signs new tokens from that row). */
  fresh?: (method: string, path: string) => boolean;
}

/**
 * Verifies the request's access token: signature, type, expiry, its record's current tokenKey and its session
 * (revocation bound: auth/user-sessions.ts). As in PocketBase, a refused token makes the request a guest one;
 * the response then carries `www-authenticate` with the reason, and routes that need auth answer one 401 body.
 */
export function tokenAuth(options: TokenAuthOptions): MiddlewareHandler<AppEnv> {
  // One memo per app (isolate): see auth/verified-tokens.ts for why it weakens no check.
  const verified = new VerifiedTokens();
  return async (c, next) => {
    c.set("auth", null);
    c.set("authToken", null);
    c.set("authRow", null);
    const token = requestToken(c.req);
    let refused: TokenError | undefined;
    if (token !== null) {
      try {
        const fresh = !options.recent || (options.fresh?.(c.req.method, c.req.path) ?? false);
        const loader = subjectLoader(
          { db: c.get("d1"), store: options.store },
          fresh ? undefined : options.recent,
        );
        const resolved = await authenticateAccessToken(token, loader, options.checker(c.env), { verified });
        c.set("auth", toAuthRecord(resolved.record.collection, resolved.record.row));
        c.set("authToken", resolved.claims);
        // Only a row read now may stand in for a flow's own read (auth-refresh reuses it: see presentedToken).
        if (fresh) c.set("authRow", { row: resolved.record.row, db: c.var.d1 });
      } catch (error) {
        if (!(error instanceof TokenError)) throw error;
        refused = error;
        c.get("log").debug("token refused", { reason: error.reason });
      }
    }
    await next();
    // A WebSocket upgrade (101) cannot be copied to change its headers.
    if (refused && c.res.status !== 101) c.header("www-authenticate", tokenWwwAuthenticate(refused));
  };
}

/**
 * The request's verified access token with its text and the row it was verified against, or null (auth-refresh
 * hands an impersonation token back, and reuses the row when it was read through the flow's own D1 session).
 */
export function presentedToken(c: Context<AppEnv>): PresentedToken | null {
  const claims = c.get("authToken");
  const token = requestToken(c.req);
  if (!claims || token === null) return null;
  const loaded = c.var.authRow;
  return loaded ? { claims, token, loaded } : { claims, token };
}
