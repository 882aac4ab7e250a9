/** The realtime hub Durable Object: one per collection shard or room, hibernating WebSockets plus SSE fan-out. */
import { DurableObject } from "cloudflare:workers";
import { ruleContext } from "../auth/rule-context";
import { CollectionStore } from "../collections/store";
import { randomString } from "../lib/ids";
import type { AuthRecord } from "../rules/context";
import { type ConnectionState, ConnectionStates } from "./connection-state";
import { EventLog } from "./event-log";
import { eventTargets, indexKey, recordIdOf } from "./fan-out";
import type { HubEvent } from "./hub-event";
import { type Candidate, decideAll } from "./match";
import { type RenderDeps, recordFor } from "./payload";
import { CONNECT_HEADER, type ConnectInfo, type ServerMessage, type Subscription } from "./protocol";
import { type RemoteClient, RemoteSubscriptions } from "./remote-subs";
import { type HubSockets, handleMessage, leaveAll } from "./socket-messages";
import { userRegistryName } from "./topics";
import { UserHubs } from "./user-hubs";

/** Close code for a connection whose user was signed out, revoked or deleted. */
export const CLOSE_DEAUTHORIZED = 4401;

/**
 * One object per collection shard (`c:posts#0`) or room (`r:lobby#0`); see topics.ts for naming and sharding.
 * The Worker authenticates and forwards the upgrade; this object accepts it with the Hibernation API, so idle
 * sockets cost nothing. Per-connection state lives in attachments (SQLite past 2 KB); the topic index is
 * rebuilt from them in the constructor after every wake-up. Instances named `u:<userId>` are per-user
 * registries of the hubs a user is connected to (used by {@link RealtimeHub.deauthorizeUser}).
 */
export class RealtimeHub extends DurableObject<Cloudflare.Env> implements HubSockets {
  readonly states: ConnectionStates;
  readonly log: EventLog;
  readonly remote: RemoteSubscriptions;
  readonly users: UserHubs;
  /** Connection state by socket, and sockets by index key (`records:*`, `records:ID`, `presence:R`, …). */
  readonly conns = new Map<WebSocket, ConnectionState>();
  readonly byKey = new Map<string, Set<WebSocket>>();
  /** Message counts in the current one-second window, per socket (reset by a wake-up: that only forgives). */
  readonly rate = new Map<WebSocket, { window: number; count: number }>();
  readonly #store = new CollectionStore();

  constructor(ctx: DurableObjectState, env: Cloudflare.Env) {
    super(ctx, env);
    const sql = ctx.storage.sql;
    this.states = new ConnectionStates(sql);
    this.log = new EventLog(sql);
    this.remote = new RemoteSubscriptions(sql);
    this.users = new UserHubs(sql);
    // Pings are answered by the runtime without waking the object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
    const live = new Set<string>();
    for (const ws of ctx.getWebSockets()) {
      const state = this.states.load(ws);
      if (!state) continue;
      live.add(state.id);
      this.conns.set(ws, state);
      for (const sub of state.subs) this.index(ws, sub);
    }
    this.states.prune(live);
  }

  /** Liveness probe used by tests: reports the object's id and how many sockets it holds. */
  async ping(): Promise<{ ok: true; id: string; sockets: number }> {
    return { ok: true, id: this.ctx.id.toString(), sockets: this.ctx.getWebSockets().length };
  }

  /** Accepts a WebSocket forwarded by the Worker (which put a {@link ConnectInfo} in the internal header). */
  override async fetch(request: Request): Promise<Response> {
    const raw = request.headers.get(CONNECT_HEADER);
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket" || !raw) {
      return new Response("Expected a WebSocket upgrade.", { status: 426 });
    }
    const info = JSON.parse(raw) as ConnectInfo & { hubName: string };
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    // Registered before accepting, so a sign-out racing this connect still finds this hub; a connection the
    // registry cannot record is refused rather than left out of reach of deauthorizeUser.
    if (info.auth) {
      try {
        await this.#track(info.auth.id, info.hubName);
      } catch {
        return new Response("Realtime is unavailable; retry.", { status: 503 });
      }
    }
    const id = randomString(20);
    const tags = [`conn:${id}`];
    if (info.auth) tags.push(`user:${info.auth.id}`.slice(0, 256));
    this.ctx.acceptWebSocket(server, tags);
    const state: ConnectionState = {
      id,
      hub: info.hub,
      auth: info.auth,
      since: info.since,
      limits: info.limits,
      room: info.room,
      headers: info.headers,
      subs: [],
    };
    this.states.save(server, state);
    this.conns.set(server, state);
    return new Response(null, { status: 101, webSocket: client });
  }

  /** A client message (the object may just have woken: its state came back in the constructor). */
  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const state = this.conns.get(ws);
    if (!state) return ws.close(1011, "Unknown connection.");
    await handleMessage(this, ws, state, message);
  }

  /** The client closed: leave rooms, drop the connection's state and complete the close handshake. */
  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    this.forget(ws);
    try {
      // Codes that may not be sent (1005 "no status", 1006 "abnormal", …) are answered with a normal close.
      const sendable = code >= 1000 && code < 5000 && ![1004, 1005, 1006, 1015].includes(code);
      ws.close(sendable ? code : 1000, reason);
    } catch {
      // Already closed.
    }
  }

  /** The socket failed: forget it like a close. */
  override async webSocketError(ws: WebSocket): Promise<void> {
    this.forget(ws);
  }

  /**
   * Delivers one committed change to every subscriber allowed to see it, and logs it for replays.
   * Returns how many local sockets and SSE clients it went to.
   */
  async publish(event: HubEvent): Promise<{ seq: number; delivered: number }> {
    const seq = this.log.append(event);
    const targets = eventTargets(this, event);
    const allowed = await decideAll(
      event,
      targets.map((t) => t.candidate),
      this.matchDeps(),
    );
    const frames = new Map<string, { event: string; data: unknown }[]>();
    const chosen = targets.filter((_, i) => allowed[i]);
    const records = await Promise.all(
      chosen.map((t) => recordFor(event, t.candidate.ctx, t.sub, this.renderDeps())),
    );
    for (const [i, t] of chosen.entries()) {
      const record = records[i];
      if (t.ws) this.send(t.ws, { type: "event", topic: t.sub.key, action: event.action, record, seq });
      else {
        const list = frames.get(t.clientId as string) ?? [];
        list.push({ event: t.sub.key, data: { action: event.action, record } });
        frames.set(t.clientId as string, list);
      }
    }
    await Promise.all([...frames].map(([clientId, list]) => this.#deliverRemote(clientId, list)));
    return { seq, delivered: chosen.length };
  }

  /** Sets an SSE client's subscriptions on this hub (called by its RealtimeClient object). */
  async setRemote(clientId: string, client: RemoteClient, hubName: string): Promise<void> {
    this.remote.set(clientId, client);
    if (client.auth && client.subs.length > 0) await this.#track(client.auth.id, hubName);
  }

  /**
   * Closes every connection of `userId` on this hub (code 4401) and drops its SSE subscriptions (ending those
   * streams). Returns how many connections it ended.
   */
  async deauthorize(userId: string): Promise<number> {
    let closed = 0;
    for (const ws of this.ctx.getWebSockets(`user:${userId}`.slice(0, 256))) {
      this.send(ws, {
        type: "error",
        code: "deauthorized",
        message: "The connection's authorization was revoked.",
      });
      this.forget(ws);
      ws.close(CLOSE_DEAUTHORIZED, "Unauthorized");
      closed++;
    }
    for (const [clientId, client] of [...this.remote.clients]) {
      if (client.auth?.id !== userId) continue;
      this.remote.delete(clientId);
      await this.env.REALTIME_CLIENT.get(this.env.REALTIME_CLIENT.idFromName(clientId)).end();
      closed++;
    }
    return closed;
  }

  /** Registry role (`u:<userId>` instances): remembers that the user has a connection on `hub`. */
  async trackHub(hub: string): Promise<void> {
    this.users.add(hub);
  }

  /** Registry role: de-authorizes the user on every hub it was seen on, then forgets them. */
  async deauthorizeUser(userId: string): Promise<number> {
    let closed = 0;
    const hubs = this.users.list();
    for (const hub of hubs) {
      closed += await this.env.REALTIME_HUB.get(this.env.REALTIME_HUB.idFromName(hub)).deauthorize(userId);
    }
    // Only what was visited: a hub registered meanwhile stays for the next call.
    this.users.remove(hubs);
    return closed;
  }

  /** Sends one message; a socket that fails is forgotten. */
  send(ws: WebSocket, message: ServerMessage): void {
    try {
      ws.send(JSON.stringify(message));
    } catch {
      this.forget(ws);
    }
  }

  /** Adds a socket's subscription to the topic index. */
  index(ws: WebSocket, sub: Subscription): void {
    const key = keyOf(sub);
    const set = this.byKey.get(key) ?? new Set<WebSocket>();
    this.byKey.set(key, set);
    set.add(ws);
  }

  /** Removes a socket's subscription from the topic index. */
  unindex(ws: WebSocket, sub: Subscription): void {
    const key = keyOf(sub);
    const set = this.byKey.get(key);
    set?.delete(ws);
    if (set?.size === 0) this.byKey.delete(key);
  }

  /** The rule check of one subscription for one event. */
  candidate(
    event: HubEvent,
    sub: Subscription,
    auth: AuthRecord | null,
    headers: Record<string, string>,
  ): Candidate {
    const rule = recordIdOf(sub) === "*" ? event.collection.listRule : event.collection.viewRule;
    return {
      ctx: ruleContext({ auth, headers: sub.headers ?? headers, context: "realtime" }),
      rule,
      filter: sub.filter,
    };
  }

  /** D1 access for expand. */
  renderDeps(): RenderDeps {
    return { db: this.env.DB, store: this.#store };
  }

  /** D1 access for rules that need joins. */
  matchDeps() {
    return { db: this.env.DB, snapshot: () => this.#store.snapshot(this.env.DB) };
  }

  /** Drops a connection from the indexes (presence members get a `leave`) and forgets its state. */
  forget(ws: WebSocket): void {
    const state = this.conns.get(ws);
    if (!state) return;
    leaveAll(this, ws, state);
    for (const sub of state.subs) this.unindex(ws, sub);
    this.conns.delete(ws);
    this.rate.delete(ws);
    this.states.drop(state.id);
  }

  /** Registers `hubName` with the user's registry; throws when it cannot (the caller then refuses the user). */
  async #track(userId: string, hubName: string): Promise<void> {
    const registry = this.env.REALTIME_HUB.get(this.env.REALTIME_HUB.idFromName(userRegistryName(userId)));
    await registry.trackHub(hubName);
  }

  async #deliverRemote(clientId: string, frames: { event: string; data: unknown }[]): Promise<void> {
    try {
      const alive = await this.env.REALTIME_CLIENT.get(this.env.REALTIME_CLIENT.idFromName(clientId)).deliver(
        frames,
      );
      if (!alive) this.remote.delete(clientId);
    } catch {
      this.remote.delete(clientId);
    }
  }
}

function keyOf(sub: Subscription): string {
  const head = sub.topic.slice(0, sub.topic.indexOf("/"));
  if (head === "presence" || head === "broadcast") return `${head}:${recordIdOf(sub)}`;
  return indexKey(recordIdOf(sub));
}
