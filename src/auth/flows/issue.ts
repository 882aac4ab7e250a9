/** Issuing an auth response: authRule check, a new session in the user's object, the access token, the record. */
import type { AuthCollection } from "../../collections/collection";
import { ApiError, forbidden } from "../../lib/errors";
import type { CollectionRef } from "../../records/deps";
import type { ViewParams } from "../../records/query-params";
import { readAccessible } from "../../records/view";
import type { SessionRef } from "../session-check";
import { composeRefreshToken, userSessionsStub } from "../session-routing";
import { keyFingerprint } from "../token-keys";
import { signToken } from "../tokens";
import { type AuthRow, recordDepsFor, renderOwnRecord, selfContext, toAuthRecord } from "./auth-records";
import type { AuthFlowDeps } from "./deps";
import { accessTokenTtl, sessionLifetime } from "./session-lifetime";

/** The body of a successful sign-in (PocketBase's `{token, record}` plus Edgebase's `refreshToken`). */
export interface AuthResponse {
  token: string;
  record: unknown;
  /** Absent for impersonation tokens (not renewable). */
  refreshToken?: string;
  meta?: Record<string, unknown>;
}

/**
 * Checks the collection's authRule against the record (as PocketBase: the record is `@request.auth` and the
 * record being checked). Superusers pass; a locked (null) rule or a non-matching record is a 403.
 */
export async function assertAuthRule(
  deps: Pick<AuthFlowDeps, "db" | "store">,
  collection: AuthCollection,
  row: AuthRow,
): Promise<void> {
  // An empty rule adds no condition to the query below, which would only re-read the row the caller just read
  // (through the same primary session): it passes without the query.
  if (collection.authRule?.trim() === "") return;
  const ctx = selfContext(toAuthRecord(collection, row), { context: "password" });
  const snapshot = await deps.store.snapshot(deps.db);
  const ref: CollectionRef = { snapshot, collection };
  let allowed: boolean;
  try {
    allowed =
      (await readAccessible(recordDepsFor(deps, ctx), ref, row.id, collection.authRule)) !== undefined;
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 403) throw error;
    allowed = false;
  }
  if (!allowed) throw forbidden("The request doesn't satisfy the collection requirements to authenticate.");
}

/** Signs an access token for a session. */
export function signAccessToken(
  collection: AuthCollection,
  row: AuthRow,
  sessionId: string,
  options: { refreshable: boolean; ttlSeconds?: number },
): Promise<string> {
  return signToken(
    "auth",
    { sub: row.id, collectionId: collection.id, sid: sessionId, refreshable: options.refreshable },
    {
      secret: collection.tokenSecret,
      tokenKey: String(row.tokenKey),
      ttlSeconds: options.ttlSeconds ?? collection.authToken.duration,
    },
  );
}

/** Starts a session for the record and returns the full auth response (after the authRule check). */
export async function issueAuth(
  deps: AuthFlowDeps,
  collection: AuthCollection,
  row: AuthRow,
  params: ViewParams,
  options: {
    refreshable?: boolean;
    ttlSeconds?: number;
    skipAuthRule?: boolean;
    /** How the user signed in and, for OAuth2, with which provider (shown in the sessions list). */
    method?: string;
    provider?: string;
  } = {},
): Promise<AuthResponse> {
  if (!options.skipAuthRule) await assertAuthRule(deps, collection, row);
  const refreshable = options.refreshable ?? true;
  const stub = userSessionsStub(deps.sessions, collection.id, row.id);
  // An impersonation session is not the impersonated user's device: it says so (and by whom) instead of
  // carrying the superuser's IP and user agent into that user's session list.
  const session = await stub.createSession({
    ip: refreshable ? deps.client.ip : "",
    userAgent: refreshable
      ? deps.client.userAgent
      : `impersonation by ${deps.auth?.collectionName}/${deps.auth?.id}`,
    // A token of fixed lifetime (impersonation) gets a session ending with it; others the collection's.
    ...(options.ttlSeconds === undefined
      ? sessionLifetime(collection)
      : { ttl: options.ttlSeconds, maxLifetime: options.ttlSeconds }),
    keyId: await keyFingerprint(collection.tokenSecret, String(row.tokenKey)),
    method: options.method,
    provider: options.provider,
  });
  const token = await signAccessToken(collection, row, session.sessionId, {
    refreshable,
    ttlSeconds: options.ttlSeconds ?? accessTokenTtl(collection, session.expiresAt),
  });
  const record = await renderOwnRecord(deps, collection, row, params);
  if (!refreshable) return { token, record };
  const refreshToken = composeRefreshToken({
    collectionId: collection.id,
    userId: row.id,
    token: session.refreshToken,
  });
  return { token, record, refreshToken };
}

/** Revokes every session of a user and de-authorizes its realtime connections. */
export async function endAllSessions(
  deps: Pick<AuthFlowDeps, "checker" | "onSessionsEnded" | "log">,
  ref: Omit<SessionRef, "sessionId">,
): Promise<number> {
  const count = await deps.checker.revokeAll(ref);
  await notifySessionsEnded(deps, ref);
  return count;
}

/** Tells realtime that a user's sessions ended; a failure is logged (the sessions are revoked regardless). */
export async function notifySessionsEnded(
  deps: Pick<AuthFlowDeps, "onSessionsEnded" | "log">,
  ref: { collectionId: string; userId: string },
): Promise<void> {
  if (!deps.onSessionsEnded) return;
  try {
    await deps.onSessionsEnded(ref);
  } catch (error) {
    deps.log.warn("realtime de-authorization failed", {
      error: error instanceof Error ? error.message : String(error),
    });
  }
}
