/** Reaching a user's realtime connections through its registry: sign-out ends them, record updates refresh them. */
import type { AuthRecord } from "../rules/context";
import { type UserRef, userRegistryName } from "./user-ref";
import type { RealtimeUser } from "./user-registry";

/** The REALTIME_USER binding. */
export type UserNamespace = DurableObjectNamespace<RealtimeUser>;

/**
 * Closes every WebSocket (code 4401) and ends every SSE stream of the user, on every hub it connected to since
 * its last de-authorization (hubs register a user before accepting it, so none is missed), and voids its
 * pending tickets. Keyed by collection and id: a record of another collection with the same id is untouched.
 * Bound: one RPC to the user's registry plus one per hub it used; when this resolves, those connections are
 * gone. Returns how many connections were ended. The auth layer calls it after logout, session revocation,
 * password change and user deletion.
 */
export async function deauthorizeUser(namespace: UserNamespace, ref: UserRef): Promise<number> {
  return namespace.get(namespace.idFromName(userRegistryName(ref))).deauthorize(ref);
}

/** Gives the user's open connections its updated auth record; returns how many it reached. */
export async function refreshUser(namespace: UserNamespace, auth: AuthRecord): Promise<number> {
  const ref = { collectionId: auth.collectionId, userId: auth.id };
  return namespace.get(namespace.idFromName(userRegistryName(ref))).refresh(auth);
}
