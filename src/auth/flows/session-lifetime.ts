/** How long a collection's sessions and access tokens live: its `authToken` options mapped onto the session object. */
import type { AuthCollection } from "../../collections/collection";
import type { SessionLifetime } from "../user-sessions";

/** The session lifetime the collection configures (absent values: the object's defaults, 30 days / 1 year). */
export function sessionLifetime(collection: AuthCollection): SessionLifetime {
  return { ttl: collection.authToken.idleTimeout, maxLifetime: collection.authToken.maxLifetime };
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
