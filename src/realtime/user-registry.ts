/**
 * The RealtimeUser Durable Object: one per auth record (collection id + user id). It remembers the hubs the user
 * has connections on, so a sign-out or an update of the record reaches all of them, holds the user's short-lived
 * WebSocket tickets, and counts the user's open connections. Objects named for a client IP bucket (`ip:…`) only
 * count that bucket's connections.
 */
import { DurableObject } from "cloudflare:workers";
import type { AuthRecord } from "../rules/context";
import type { RealtimeClient } from "./client";
import { ConnectionLeases, type Lease } from "./connection-leases";
import { parseHolder } from "./connection-limits";
import type { RealtimeHub } from "./hub";
import { type TicketGrant, Tickets } from "./tickets";
import { UserHubs } from "./user-hubs";
import type { UserRef } from "./user-ref";

/** The registry of one user: the hubs it is connected to and its pending tickets. */
export class RealtimeUser extends DurableObject<Cloudflare.Env> {
  readonly #hubs: UserHubs;
  readonly #tickets: Tickets;
  readonly #leases: ConnectionLeases;

  constructor(ctx: DurableObjectState, env: Cloudflare.Env) {
    super(ctx, env);
    this.#hubs = new UserHubs(ctx.storage.sql);
    this.#tickets = new Tickets(ctx.storage.sql);
    this.#leases = new ConnectionLeases(ctx.storage.sql);
  }

  /** Counts one more open connection when fewer than `cap` are (see connection-limits.ts); false at the cap. */
  async acquireConnection(lease: Lease, cap: number): Promise<boolean> {
    return this.#leases.acquire(lease, cap, (holder, ids) => this.#stillOpen(holder, ids));
  }

  /** Stops counting a connection that ended. */
  async releaseConnection(leaseId: string): Promise<void> {
    this.#leases.release(leaseId);
  }

  /** How many connections are counted (for tests). */
  async connectionCount(): Promise<number> {
    return this.#leases.size();
  }

  /** Remembers that the user has a connection on `hub`. */
  async trackHub(hub: string): Promise<void> {
    this.#hubs.add(hub);
  }

  /**
   * Closes the user's connections on every hub it was seen on, then forgets those hubs and every pending
   * ticket. Returns how many connections ended.
   */
  async deauthorize(ref: UserRef): Promise<number> {
    this.#tickets.clear();
    let closed = 0;
    const hubs = this.#hubs.list();
    for (const hub of hubs) closed += await this.#hub(hub).deauthorize(ref);
    // Only what was visited: a hub registered meanwhile stays for the next call.
    this.#hubs.remove(hubs);
    return closed;
  }

  /** Gives every connection of the user the record as it is now (rules read `@request.auth.*` from it). */
  async refresh(auth: AuthRecord): Promise<number> {
    let refreshed = 0;
    for (const hub of this.#hubs.list()) refreshed += await this.#hub(hub).refreshAuth(auth);
    return refreshed;
  }

  /** Issues a single-use ticket for `grant`; returns its secret part. */
  async issueTicket(grant: TicketGrant): Promise<string> {
    return this.#tickets.issue(grant);
  }

  /** Redeems a ticket once; null when it is unknown, used or expired. */
  async redeemTicket(secret: string): Promise<TicketGrant | null> {
    return this.#tickets.redeem(secret);
  }

  /** The ids among `ids` that the holder still has open (asked only for leases at a refused acquire). */
  async #stillOpen(holder: string, ids: string[]): Promise<string[]> {
    const parsed = parseHolder(holder);
    if (parsed?.kind === "hub") return this.#hub(parsed.name).openConnections(ids);
    if (parsed?.kind === "sse") return (await this.#client(parsed.name).isOpen(parsed.name)) ? ids : [];
    return [];
  }

  #client(clientId: string): DurableObjectStub<RealtimeClient> {
    return this.env.REALTIME_CLIENT.get(this.env.REALTIME_CLIENT.idFromName(clientId));
  }

  #hub(name: string): DurableObjectStub<RealtimeHub> {
    return this.env.REALTIME_HUB.get(this.env.REALTIME_HUB.idFromName(name));
  }
}
