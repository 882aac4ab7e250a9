/** How long a collection's sessions and access tokens live: its `authToken` options mapped onto the session object. */
import type { AuthCollection } from "../../collections/collection";
import { SESSION_MAX_LIFETIME_SECONDS, SESSION_TTL_SECONDS } from "../session-schema";
import type { SessionLifetime } from "../user-sessions";

/**
 * The session lifetime the collection configures, absent values filled with the defaults (30 days idle, 1 year
 * absolute) so that removing a setting also reaches sessions at their next refresh.
 */
export function sessionLifetime(collection: AuthCollection): Required<SessionLifetime> {
  return {
    ttl: collection.authToken.idleTimeout ?? SESSION_TTL_SECONDS,
    maxLifetime: collection.authToken.maxLifetime ?? SESSION_MAX_LIFETIME_SECONDS,
  };
}

/**
 * An access token's lifetime (seconds): the collection's `authToken.duration`, cut so that the token never
 * outlives its session (then the SDK's `authStore.isValid` turns false when the session ends by its cap).
 */
export function accessTokenTtl(
  collection: AuthCollection,
  sessionExpiresAt: number,
  now = Date.now(),
): number {
  const remaining = Math.floor((sessionExpiresAt - now) / 1000);
  return Math.max(1, Math.min(collection.authToken.duration, remaining));
}
