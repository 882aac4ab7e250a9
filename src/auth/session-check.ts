/** The Worker-side access-token session check: asks the user's object, caching answers per isolate (bounded). */
import { LruMap } from "../lib/lru-map";
import { userSessionsStub } from "./session-routing";
import type { UserSessions } from "./user-sessions";

/** How long an "active" answer is trusted: the revocation bound for access tokens (see user-sessions.ts). */
export const SESSION_CHECK_CACHE_MS = 5_000;
/** How long an "inactive" answer is kept: a revoked or expired session never becomes active again. */
export const SESSION_CHECK_NEGATIVE_CACHE_MS = 3_600_000;
/** Most cached answers per isolate; the oldest is dropped beyond it. */
export const SESSION_CHECK_CACHE_SIZE = 10_000;

/** Identifies one session of one user. */
export interface SessionRef {
  collectionId: string;
  userId: string;
  sessionId: string;
}

/** Checks and revokes sessions on behalf of a Worker isolate. */
export interface SessionChecker {
  /** True when the session may still be used (answers cached; see {@link SESSION_CHECK_CACHE_MS}). */
  isActive(ref: SessionRef): Promise<boolean>;
  /** Revokes one session and drops its cached answer, so this isolate refuses it at once. */
  revokeSession(ref: SessionRef): Promise<boolean>;
  /** Revokes all of a user's sessions (optionally keeping one) and drops their cached answers. */
  revokeAll(ref: Omit<SessionRef, "sessionId">, options?: { except?: string }): Promise<number>;
  /** How many answers are cached (tests check the bound). */
  size(): number;
}

/** Options of {@link createSessionChecker}. */
export interface SessionCheckerOptions {
  positiveTtlMs?: number;
  maxEntries?: number;
  /** Clock (tests). */
  now?: () => number;
}

interface Entry {
  active: boolean;
  until: number;
}

/** Builds a checker over the USER_SESSIONS namespace; create one per isolate (module scope or app build). */
export function createSessionChecker(
  namespace: DurableObjectNamespace<UserSessions>,
  options: SessionCheckerOptions = {},
): SessionChecker {
  const positiveTtl = options.positiveTtlMs ?? SESSION_CHECK_CACHE_MS;
  const now = options.now ?? Date.now;
  const cache = new LruMap<string, Entry>(options.maxEntries ?? SESSION_CHECK_CACHE_SIZE);
  const userPrefix = (ref: Omit<SessionRef, "sessionId">) => `${ref.collectionId}/${ref.userId}/`;
  const keyOf = (ref: SessionRef) => `${userPrefix(ref)}${ref.sessionId}`;
  const stub = (ref: Omit<SessionRef, "sessionId">) =>
    userSessionsStub(namespace, ref.collectionId, ref.userId);

  const remember = (key: string, active: boolean) => {
    cache.set(key, { active, until: now() + (active ? positiveTtl : SESSION_CHECK_NEGATIVE_CACHE_MS) });
  };
  const forgetUser = (ref: Omit<SessionRef, "sessionId">) => {
    const prefix = userPrefix(ref);
    for (const key of cache.keys()) if (key.startsWith(prefix)) cache.delete(key);
  };

  return {
    async isActive(ref) {
      const key = keyOf(ref);
      const hit = cache.get(key);
      if (hit && hit.until > now()) return hit.active;
      const active = await stub(ref).isActive(ref.sessionId);
      remember(key, active);
      return active;
    },
    async revokeSession(ref) {
      const revoked = await stub(ref).revokeSession(ref.sessionId);
      remember(keyOf(ref), false);
      return revoked;
    },
    async revokeAll(ref, revokeOptions = {}) {
      const count = await stub(ref).revokeAll(revokeOptions);
      forgetUser(ref);
      return count;
    },
    size: () => cache.size,
  };
}
