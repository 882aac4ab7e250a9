/** The realtime hub Durable Object: one per collection shard or room, hibernating WebSockets plus SSE fan-out. */
import { DurableObject } from "cloudflare:workers";
import { ruleContext } from "../auth/rule-context";
import { CollectionStore } from "../collections/store";
import { randomString } from "../lib/ids";
import type { AuthRecord } from "../rules/context";
import { acquireAll, hubHolder, limitKeys, registriesIn, releaseAll } from "./connection-limits";
import type { ConnectionState } from "./connection-state";
import { Connections } from "./connections";
import { EventLog } from "./event-log";
import { eventTargets, recordIdOf, type Target } from "./fan-out";
import type { HubEvent } from "./hub-event";
import { type Candidate, decideAll } from "./match";
import { type RenderDeps, recordFor } from "./payload";
import { CONNECT_HEADER, type ConnectInfo, type ServerMessage, type Subscription } from "./protocol";
import { type RemoteClient, RemoteSubscriptions } from "./remote-subs";
import { type HubSockets, handleMessage, leaveAll } from "./socket-messages";
import { messageAllows, messageTargets, type TopicMessage } from "./topic-messages";
import { type UserRef, userRegistryName, userTag } from "./user-ref";

/** Close code for a connection whose user was signed out, revoked or deleted, or whose token expired. */
export const CLOSE_DEAUTHORIZED = 4401;

/** True once a connection's access token has expired (connections authenticated without a token never do). */
export function tokenExpired(tokenExp: number | null | undefined, now = Date.now()): boolean {
  return typeof tokenExp === "number" && tokenExp * 1000 <= now;
}

/**
 * One object per collection shard (`c:posts#0`) or room (`r:lobby#0`); see topics.ts for naming and sharding.
 * The Worker authenticates and forwards the upgrade; this object accepts it with the Hibernation API, so idle
 * sockets cost nothing. Per-connection state lives in attachments (SQLite past 2 KB); the topic index is
 * rebuilt from them in the constructor after every wake-up. Signed-in connections are registered with their
 * user's RealtimeUser object, which reaches them on sign-out ({@link RealtimeHub.deauthorize}) and on updates
 * of the auth record ({@link RealtimeHub.refreshAuth}).
 */
export class RealtimeHub extends DurableObject<Cloudflare.Env> implements HubSockets {
  /** Local sockets: their state, the topic index and message rates. */
  readonly connections: Connections;
  /** The bounded log of published events, for replays after reconnects. */
  readonly events: EventLog;
  /** SSE clients' subscriptions on this hub. */
  readonly remote: RemoteSubscriptions;
  readonly #store = new CollectionStore();

  constructor(ctx: DurableObjectState, env: Cloudflare.Env) {
    super(ctx, env);
    const sql = ctx.storage.sql;
    this.connections = new Connections(sql);
    this.events = new EventLog(sql);
    this.remote = new RemoteSubscriptions(sql);
    // Pings are answered by the runtime without waking the object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
    this.connections.restore(ctx.getWebSockets());
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
    const id = randomString(20);
    // Counted against the client's IP bucket and user across every hub and SSE stream (connection-limits.ts).
    const keys = limitKeys(info.ip, info.auth, info.limits);
    const registry = registriesIn(this.env.REALTIME_USER);
    const admitted = await acquireAll(registry, keys, { id, holder: hubHolder(info.hubName) }).catch(
      () => null,
    );
    if (admitted === null) return new Response("Realtime is unavailable; retry.", { status: 503 });
    if (!admitted) return new Response("Too many realtime connections.", { status: 429 });
    const leases = keys.map((k) => k.registry);
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    // Registered before accepting, so a sign-out racing this connect still finds this hub; a connection the
    // registry cannot record is refused rather than left out of reach of deauthorizeUser.
    if (info.auth) {
      try {
        await this.#track(refOf(info.auth), info.hubName);
      } catch {
        await releaseAll(registry, leases, id);
        return new Response("Realtime is unavailable; retry.", { status: 503 });
      }
    }
    this.ctx.acceptWebSocket(server, connectionTags(id, info));
    const state: ConnectionState = {
      id,
      leases,
      hub: info.hub,
      auth: info.auth,
      since: info.since,
      limits: info.limits,
      room: info.room,
      headers: info.headers,
      tokenExp: info.tokenExp ?? null,
      subs: [],
    };
    this.connections.add(server, state);
    return new Response(null, { status: 101, webSocket: client });
  }

  /** A client message (the object may just have woken: its state came back in the constructor). */
  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const state = this.connections.get(ws);
    if (!state) return ws.close(1011, "Unknown connection.");
    if (tokenExpired(state.tokenExp)) return this.#expire(ws);
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
    const seq = this.events.append(event);
    const targets = await this.#live(eventTargets(this, event));
    // Nobody to send it to (the bench's creates, most writes of most apps): logged above, nothing more to do.
    if (targets.length === 0) return { seq, delivered: 0 };
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

  /**
   * Delivers a message published to a custom topic (topic-messages.ts) to each subscriber of that topic on
   * this hub whose auth passes the message's rule. Messages are not logged: a reconnect replays none.
   */
  async publishMessage(message: TopicMessage): Promise<{ delivered: number }> {
    const targets = await this.#live(messageTargets(this, message));
    const frames = new Map<string, { event: string; data: unknown }[]>();
    let delivered = 0;
    for (const t of targets) {
      if (!messageAllows(message, t.candidate.ctx)) continue;
      delivered++;
      if (t.ws) this.send(t.ws, { type: "message", topic: t.sub.key, data: message.data });
      else {
        const list = frames.get(t.clientId as string) ?? [];
        list.push({ event: t.sub.key, data: message.data });
        frames.set(t.clientId as string, list);
      }
    }
    await Promise.all([...frames].map(([clientId, list]) => this.#deliverRemote(clientId, list)));
    return { delivered };
  }

  /** Sets an SSE client's subscriptions on this hub (called by its RealtimeClient object). */
  async setRemote(clientId: string, client: RemoteClient, hubName: string): Promise<void> {
    this.remote.set(clientId, client);
    if (client.auth && client.subs.length > 0) await this.#track(refOf(client.auth), hubName);
  }

  /**
   * Closes every connection of the user on this hub (code 4401) and drops its SSE subscriptions (ending those
   * streams). Returns how many connections it ended.
   */
  async deauthorize(ref: UserRef): Promise<number> {
    let closed = 0;
    for (const ws of this.ctx.getWebSockets(userTag(ref))) {
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
      if (!client.auth || !sameUser(client.auth, ref)) continue;
      await this.#endRemote(clientId);
      closed++;
    }
    return closed;
  }

  /**
   * Replaces the auth record of the user's connections on this hub with `auth` (its record was updated), so
   * rules see the record as it is now. Returns how many connections it refreshed.
   */
  async refreshAuth(auth: AuthRecord): Promise<number> {
    const ref = refOf(auth);
    let refreshed = 0;
    for (const ws of this.ctx.getWebSockets(userTag(ref))) {
      const state = this.connections.get(ws);
      if (!state?.auth || !sameUser(state.auth, ref)) continue;
      state.auth = auth;
      this.connections.save(ws, state);
      refreshed++;
    }
    for (const [clientId, client] of [...this.remote.clients]) {
      if (!client.auth || !sameUser(client.auth, ref)) continue;
      this.remote.set(clientId, { ...client, auth });
      refreshed++;
    }
    return refreshed;
  }

  /** Sends one message; a socket that fails is forgotten. */
  send(ws: WebSocket, message: ServerMessage): void {
    try {
      ws.send(JSON.stringify(message));
    } catch {
      this.forget(ws);
    }
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

  /**
   * Drops a connection from the indexes (presence members get a `leave`), forgets its state and gives back its
   * connection leases (in the background: a lost release is reclaimed by the limiter asking {@link openConnections}).
   */
  forget(ws: WebSocket): void {
    const state = this.connections.get(ws);
    if (!state) return;
    leaveAll(this, ws, state);
    this.connections.forget(ws);
    if (state.leases?.length) {
      this.ctx.waitUntil(releaseAll(registriesIn(this.env.REALTIME_USER), state.leases, state.id));
    }
  }

  /** The ids among `ids` of connections this hub still holds open (asked by the connection limits). */
  async openConnections(ids: string[]): Promise<string[]> {
    return ids.filter((id) => this.ctx.getWebSockets(connTag(id)).some((ws) => this.connections.get(ws)));
  }

  /** Registers `hubName` with the user's registry; throws when it cannot (the caller then refuses the user). */
  async #track(ref: UserRef, hubName: string): Promise<void> {
    const ns = this.env.REALTIME_USER;
    await ns.get(ns.idFromName(userRegistryName(ref))).trackHub(hubName);
  }

  /**
   * The targets whose token is still valid: a socket or SSE client whose token expired is de-authorized here,
   * on the first event after expiry, and gets nothing more.
   */
  async #live(targets: Target[]): Promise<Target[]> {
    const now = Date.now();
    const expired = new Set<string>();
    const live = targets.filter((t) => {
      const exp = t.ws
        ? this.connections.get(t.ws)?.tokenExp
        : this.remote.clients.get(t.clientId as string)?.tokenExp;
      if (!tokenExpired(exp, now)) return true;
      if (t.ws) this.#expire(t.ws);
      else expired.add(t.clientId as string);
      return false;
    });
    await Promise.all([...expired].map((clientId) => this.#endRemote(clientId)));
    return live;
  }

  /** Closes a socket whose token expired, saying so first. */
  #expire(ws: WebSocket): void {
    this.send(ws, {
      type: "error",
      code: "token_expired",
      message: "The connection's access token expired.",
    });
    this.forget(ws);
    try {
      ws.close(CLOSE_DEAUTHORIZED, "Token expired");
    } catch {
      // Already closed.
    }
  }

  /** Drops an SSE client's subscriptions here and ends its stream. */
  async #endRemote(clientId: string): Promise<void> {
    this.remote.delete(clientId);
    await this.env.REALTIME_CLIENT.get(this.env.REALTIME_CLIENT.idFromName(clientId))
      .end()
      .catch(() => {});
  }

  /**
   * Sends an SSE client its frames. A client that cannot take them is forgotten here, and its stream is ended
   * when the call itself failed: forgetting alone would leave an open stream that never gets another event,
   * which the client cannot tell from a quiet topic (it would never reconnect).
   */
  async #deliverRemote(clientId: string, frames: { event: string; data: unknown }[]): Promise<void> {
    try {
      const alive = await this.env.REALTIME_CLIENT.get(this.env.REALTIME_CLIENT.idFromName(clientId)).deliver(
        frames,
      );
      if (!alive) this.remote.delete(clientId);
    } catch {
      await this.#endRemote(clientId);
    }
  }
}

/** The tag naming one connection. */
function connTag(id: string): string {
  return `conn:${id}`;
}

/** `conn:<id>`, then `user:…` when signed in (de-authorization and auth refreshes find the user's sockets by it). */
function connectionTags(id: string, info: ConnectInfo): string[] {
  return info.auth ? [connTag(id), userTag(refOf(info.auth))] : [connTag(id)];
}

function refOf(auth: AuthRecord): UserRef {
  return { collectionId: auth.collectionId, userId: auth.id };
}

function sameUser(auth: AuthRecord, ref: UserRef): boolean {
  return auth.collectionId === ref.collectionId && auth.id === ref.userId;
}
