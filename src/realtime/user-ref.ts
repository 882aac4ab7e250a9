/** Naming of a signed-in user's realtime registry and socket tag, by collection id and user id. */

/** Who a registry instance belongs to. Keyed by collection too: record ids are only unique per collection. */
export interface UserRef {
  collectionId: string;
  userId: string;
}

/** The object name of a user's registry. */
export function userRegistryName(ref: UserRef): string {
  return `u:${ref.collectionId}/${ref.userId}`;
}

/** The tag a hub gives a user's sockets (the platform caps tags at 256 characters). */
export function userTag(ref: UserRef): string {
  return `user:${ref.collectionId}/${ref.userId}`.slice(0, 256);
}
