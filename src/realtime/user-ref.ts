/** Naming of the realtime registry objects (per user, per client IP bucket) and of a user's socket tag. */

/** Who a registry instance belongs to. Keyed by collection too: record ids are only unique per collection. */
export interface UserRef {
  collectionId: string;
  userId: string;
}

/** The object name of a user's registry. */
export function userRegistryName(ref: UserRef): string {
  return `u:${ref.collectionId}/${ref.userId}`;
}

/**
 * The object name of a client IP bucket's registry (auth/rate-limit.ts `ipBucket`: IPv6 by /64): a RealtimeUser object that
 * only holds the bucket's connection leases.
 */
export function ipRegistryName(bucket: string): string {
  return `ip:${bucket}`;
}

/** The tag a hub gives a user's sockets (the platform caps tags at 256 characters). */
export function userTag(ref: UserRef): string {
  return `user:${ref.collectionId}/${ref.userId}`.slice(0, 256);
}
