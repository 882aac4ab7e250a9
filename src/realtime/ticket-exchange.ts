/** Tickets as the Worker hands them out and takes them back: `<registry object id>.<secret>`. */
import type { UserNamespace } from "./deauthorize";
import type { TicketGrant } from "./tickets";
import { userRegistryName } from "./user-ref";

const TICKET = /^([0-9a-f]{64})\.([a-z0-9]{40})$/;

/**
 * A single-use ticket for the signed-in caller of `grant`, kept in its user registry. The object id in it is an
 * opaque hash, so a logged URL names no user; the secret is stored hashed.
 */
export async function issueTicket(ns: UserNamespace, grant: TicketGrant): Promise<string> {
  const id = ns.idFromName(
    userRegistryName({ collectionId: grant.auth.collectionId, userId: grant.auth.id }),
  );
  const secret = await ns.get(id).issueTicket(grant);
  return `${id.toString()}.${secret}`;
}

/** The grant of a valid ticket (consumed by this call), or null for a malformed, unknown, used or expired one. */
export async function redeemTicket(ns: UserNamespace, ticket: string): Promise<TicketGrant | null> {
  const match = TICKET.exec(ticket);
  if (!match) return null;
  let id: DurableObjectId;
  try {
    id = ns.idFromString(match[1] as string);
  } catch {
    return null;
  }
  return ns.get(id).redeemTicket(match[2] as string);
}
