/** Ending a user's realtime connections when its sessions end (logout, revocation, password change, delete). */
import type { RealtimeHub } from "./hub";
import { userRegistryName } from "./topics";

/**
 * Closes every WebSocket (code 4401) and ends every SSE stream of `userId`, on every hub it connected to since
 * its last de-authorization (hubs register a user before accepting it, so none is missed). Bound: one RPC to
 * the user's registry plus one per hub it used; when this resolves, those connections are gone. Returns how
 * many connections were ended. The auth layer calls it after logout, session revocation, password change and
 * user deletion.
 */
export async function deauthorizeUser(
  namespace: DurableObjectNamespace<RealtimeHub>,
  userId: string,
): Promise<number> {
  return namespace.get(namespace.idFromName(userRegistryName(userId))).deauthorizeUser(userId);
}
