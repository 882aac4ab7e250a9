/**
 * The RealtimeClient Durable Object: one per PocketBase SSE client id. It holds the open event stream and the
 * client's subscriptions, so the SDK's `POST /api/realtime` can land in any isolate and still reach the stream.
 */
import { DurableObject } from "cloudflare:workers";
import type { AuthRecord } from "../rules/context";
import { acquireAll, limitKeys, registriesIn, releaseAll, sseHolder } from "./connection-limits";
import { DEFAULT_LIMITS, type RealtimeLimits, type Subscription } from "./protocol";
import { SSE_KEEPALIVE, sseFrame } from "./sse";
import { SseOutbox } from "./sse-outbox";

/** Seconds between keep-alive comments on an idle stream. */
export const KEEPALIVE_SECONDS = 30;

/**
 * Bytes buffered for a client that is not reading; past this its stream is cut, so a slow reader never stalls a
 * hub nor grows the object's memory. Counted in bytes, not frames: a healthy client that falls behind during a
 * burst of small events (thousands of frames in a second) keeps its stream; one that stops reading is cut after
 * at most this much.
 */
export const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

/** The internal header naming the client id of a forwarded `GET /api/realtime`. */
export const CLIENT_ID_HEADER = "x-edgebase-realtime-client";

/** The internal header carrying a stream's {@link ClientQuota} (the Worker always sets it). */
export const CLIENT_QUOTA_HEADER = "x-edgebase-realtime-quota";

/** What a stream counts against: the client's IP bucket (absent when unknown) and the connection limits. */
export type ClientQuota = { ip?: string } & Pick<
  RealtimeLimits,
  "maxConnectionsPerIp" | "maxConnectionsPerUser"
>;

/** Subscriptions for one hub. */
export interface HubSubscriptions {
  hub: string;
  subs: Subscription[];
}

/** Outcome of {@link RealtimeClient.setSubscriptions}. */
export type SetResult = "ok" | "missing" | "auth_mismatch" | "too_many" | "unavailable";

/** Holds one SSE stream (the object stays awake while it is open: SSE cannot hibernate). */
export class RealtimeClient extends DurableObject<Cloudflare.Env> {
  #clientId = "";
  #outbox: SseOutbox | undefined;
  #auth: AuthRecord | null | undefined;
  #hubs = new Set<string>();
  /** Topics this client is sent to directly, not through a hub (`@oauth2`), each at most once. */
  #direct = new Set<string>();
  #quota: ClientQuota = DEFAULT_LIMITS;
  /** The registry objects counting this stream (connection-limits.ts), released when it ends. */
  #leases: string[] = [];

  /**
   * Opens the stream (forwarded `GET /api/realtime`) and sends `PB_CONNECT`; 429 when the client's IP bucket
   * is at its connection limit.
   */
  override async fetch(request: Request): Promise<Response> {
    const clientId = request.headers.get(CLIENT_ID_HEADER);
    if (!clientId) return new Response("Missing client id.", { status: 400 });
    await this.end();
    this.#clientId = clientId;
    this.#quota = parseQuota(request.headers.get(CLIENT_QUOTA_HEADER));
    const keys = limitKeys(this.#quota.ip, null, this.#quota);
    const lease = { id: clientId, holder: sseHolder(clientId) };
    const admitted = await acquireAll(this.#registry(), keys, lease).catch(() => null);
    if (admitted === null) return new Response("Realtime is unavailable; retry.", { status: 503 });
    if (!admitted) return new Response("Too many realtime connections.", { status: 429 });
    this.#leases = keys.map((k) => k.registry);
    // The reader going away (the client disconnected) cancels the stream: end it now, releasing its leases,
    // rather than at the next event or keep-alive write.
    const outbox = new SseOutbox(MAX_BUFFERED_BYTES, () => {
      if (this.#outbox === outbox) void this.end();
    });
    this.#outbox = outbox;
    this.#auth = undefined;
    this.#direct.clear();
    this.#write(sseFrame(clientId, "PB_CONNECT", { clientId }));
    await this.ctx.storage.setAlarm(Date.now() + KEEPALIVE_SECONDS * 1000);
    return new Response(outbox.stream, {
      headers: {
        "content-type": "text/event-stream",
        "cache-control": "no-store",
        "x-accel-buffering": "no",
      },
    });
  }

  /**
   * Replaces the client's subscriptions (PocketBase semantics: the list is the whole set). A signed-in call binds
   * the caller's auth: a guest may sign in and subscribe again on the same stream, but once bound, a call by
   * another user (or by a guest) is refused, as PocketBase does. `direct` are the subscribed topics this
   * object serves itself (see {@link RealtimeClient.sendOnce}).
   */
  async setSubscriptions(
    auth: AuthRecord | null,
    groups: HubSubscriptions[],
    tokenExp: number | null = null,
    direct: string[] = [],
  ): Promise<SetResult> {
    if (!this.#outbox) return "missing";
    const bound = this.#auth;
    if (bound && (bound.id !== auth?.id || bound.collectionId !== auth.collectionId)) return "auth_mismatch";
    if (auth && !bound) {
      // The stream's user is known from its first signed-in subscription on: from then on it counts for them.
      const keys = limitKeys(undefined, auth, this.#quota);
      const lease = { id: this.#clientId, holder: sseHolder(this.#clientId) };
      const admitted = await acquireAll(this.#registry(), keys, lease).catch(() => null);
      if (admitted === null) return "unavailable";
      if (!admitted) return "too_many";
      if (!this.#outbox) {
        await releaseAll(
          this.#registry(),
          keys.map((k) => k.registry),
          this.#clientId,
        );
        return "missing";
      }
      this.#leases.push(...keys.map((k) => k.registry));
    }
    this.#auth = auth;
    this.#direct = new Set(direct);
    const wanted = new Set(groups.map((g) => g.hub));
    const calls = groups.map((g) =>
      this.#hub(g.hub).setRemote(this.#clientId, { auth, subs: g.subs, tokenExp }, g.hub),
    );
    for (const hub of this.#hubs) {
      if (!wanted.has(hub)) calls.push(this.#hub(hub).setRemote(this.#clientId, { auth, subs: [] }, hub));
    }
    await Promise.all(calls);
    this.#hubs = wanted;
    return "ok";
  }

  /**
   * Writes events from a hub as one chunk (a burst costs one queue entry per call, not per frame); false when
   * the stream is gone or was just cut for falling behind (the hub then forgets this client).
   */
  async deliver(frames: { event: string; data: unknown }[]): Promise<boolean> {
    if (!this.#outbox) return false;
    return this.#write(frames.map((f) => sseFrame(this.#clientId, f.event, f.data)).join(""));
  }

  /**
   * Sends one event named `topic` to this client, which must be subscribed to it and connected from the IP
   * bucket `ip`; the subscription is then dropped, so a replayed call sends nothing. False when nothing was
   * sent. Why the IP: the OAuth2 redirect carries the client id as its state, and PocketBase refuses a
   * redirect completed elsewhere than the connection that waits for it (a stolen or forced state).
   */
  async sendOnce(topic: string, ip: string, data: unknown): Promise<boolean> {
    if (!this.#outbox || !this.#direct.has(topic)) return false;
    const own = this.#quota.ip ?? "";
    if (own !== "" && own !== ip) return false;
    this.#direct.delete(topic);
    return this.#write(sseFrame(this.#clientId, topic, data));
  }

  /**
   * Ends the stream (de-authorization or a new connection under the same id) and detaches from every hub.
   * A normal end closes it after what is buffered; a slow reader's stream is aborted at once, so the client
   * sees the end now (the SDK then reconnects) instead of after draining a backlog that no longer grows.
   */
  async end(how: "close" | "abort" = "close"): Promise<void> {
    const outbox = this.#outbox;
    this.#outbox = undefined;
    const hubs = [...this.#hubs];
    this.#hubs.clear();
    this.#direct.clear();
    const leases = this.#leases;
    this.#leases = [];
    if (leases.length > 0) await releaseAll(this.#registry(), leases, this.#clientId);
    if (how === "abort") outbox?.abort(new Error("The client fell too far behind."));
    await Promise.allSettled(
      hubs.map((hub) => this.#hub(hub).setRemote(this.#clientId, { auth: null, subs: [] }, hub)),
    );
    if (how === "close") outbox?.close();
  }

  /** Keep-alive: a comment frame every {@link KEEPALIVE_SECONDS} while the stream is open (re-arms itself). */
  override async alarm(): Promise<void> {
    if (!this.#outbox) return;
    if (this.#write(SSE_KEEPALIVE)) await this.ctx.storage.setAlarm(Date.now() + KEEPALIVE_SECONDS * 1000);
  }

  /**
   * Queues text without waiting for the reader; false (and the stream ended) when the client is gone or has
   * fallen {@link MAX_BUFFERED_BYTES} behind.
   */
  #write(text: string): boolean {
    const outbox = this.#outbox;
    if (!outbox) return false;
    const result = outbox.push(text);
    if (result === "queued") return true;
    void this.end(result === "full" ? "abort" : "close");
    return false;
  }

  /** Whether this object holds the open stream of `clientId` (asked by the connection limits). */
  async isOpen(clientId: string): Promise<boolean> {
    return this.#outbox !== undefined && this.#clientId === clientId;
  }

  #registry() {
    return registriesIn(this.env.REALTIME_USER);
  }

  #hub(name: string) {
    return this.env.REALTIME_HUB.get(this.env.REALTIME_HUB.idFromName(name));
  }
}

/** The quota the Worker sent; the defaults (and no IP) when the header is missing or unreadable. */
function parseQuota(raw: string | null): ClientQuota {
  try {
    const quota = JSON.parse(raw ?? "") as Partial<ClientQuota>;
    return {
      ip: typeof quota.ip === "string" ? quota.ip : undefined,
      maxConnectionsPerIp: Number(quota.maxConnectionsPerIp) || DEFAULT_LIMITS.maxConnectionsPerIp,
      maxConnectionsPerUser: Number(quota.maxConnectionsPerUser) || DEFAULT_LIMITS.maxConnectionsPerUser,
    };
  } catch {
    return DEFAULT_LIMITS;
  }
}
