/**
 * Global realtime connection limits: every WebSocket and SSE stream, on any hub, counts once against its client
 * IP bucket and once against its signed-in user, each a lease in that key's registry object (connection-leases.ts).
 */
import type { AuthRecord } from "../rules/context";
import type { Lease } from "./connection-leases";
import type { RealtimeLimits } from "./protocol";
import { ipRegistryName, userRegistryName } from "./user-ref";

/** What a registry object offers the limits (RealtimeUser; structural, so this file imports no object class). */
export interface LeaseRegistry {
  acquireConnection(lease: Lease, cap: number): Promise<boolean>;
  releaseConnection(leaseId: string): Promise<void>;
}

/** The registry object of a name (`(name) => ns.get(ns.idFromName(name))` over the REALTIME_USER binding). */
export type RegistryOf = (name: string) => LeaseRegistry;

/** One limit a connection counts against: the registry object holding its leases, and its cap. */
export interface LimitKey {
  registry: string;
  cap: number;
}

/** The limits of a connection from `ip` (its bucket; none when unknown) by `auth` (none for guests). */
export function limitKeys(
  ip: string | undefined,
  auth: AuthRecord | null,
  limits: Pick<RealtimeLimits, "maxConnectionsPerIp" | "maxConnectionsPerUser">,
): LimitKey[] {
  const keys: LimitKey[] = [];
  if (ip) keys.push({ registry: ipRegistryName(ip), cap: limits.maxConnectionsPerIp });
  if (auth) {
    const ref = { collectionId: auth.collectionId, userId: auth.id };
    keys.push({ registry: userRegistryName(ref), cap: limits.maxConnectionsPerUser });
  }
  return keys;
}

/** The holder of a hub's WebSocket leases (lease id = connection id). */
export function hubHolder(hubName: string): string {
  return `hub:${hubName}`;
}

/** The holder of an SSE stream's leases (lease id = client id). */
export function sseHolder(clientId: string): string {
  return `sse:${clientId}`;
}

/** A holder string split back into its kind and name. */
export function parseHolder(holder: string): { kind: "hub" | "sse"; name: string } | undefined {
  const colon = holder.indexOf(":");
  const kind = holder.slice(0, colon);
  return kind === "hub" || kind === "sse" ? { kind, name: holder.slice(colon + 1) } : undefined;
}

/**
 * Takes `lease` under every key, or under none: when one key is at its cap, the leases already taken are given
 * back and false is returned. One RPC per key (at most two), in parallel.
 */
export async function acquireAll(registry: RegistryOf, keys: LimitKey[], lease: Lease): Promise<boolean> {
  const taken = await Promise.all(keys.map((k) => registry(k.registry).acquireConnection(lease, k.cap)));
  if (taken.every(Boolean)) return true;
  await releaseAll(
    registry,
    keys.filter((_, i) => taken[i]).map((k) => k.registry),
    lease.id,
  );
  return false;
}

/** Gives a lease back under every registry named; never rejects (a lost release is reclaimed later). */
export async function releaseAll(
  registry: RegistryOf,
  registries: readonly string[],
  leaseId: string,
): Promise<void> {
  await Promise.allSettled(registries.map((r) => registry(r).releaseConnection(leaseId)));
}

/** {@link RegistryOf} over a namespace binding. */
export function registriesIn(ns: {
  idFromName(name: string): DurableObjectId;
  get(id: DurableObjectId): LeaseRegistry;
}): RegistryOf {
  return (name) => ns.get(ns.idFromName(name));
}
