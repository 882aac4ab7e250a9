/** Realtime routes: the native WebSocket (`/api/realtime/ws`) and PocketBase's SSE (`GET`/`POST /api/realtime`). */
import type { Hono } from "hono";
import { ipBucket } from "../../auth/rate-limit";
import { ruleContext } from "../../auth/rule-context";
import type { CollectionStore } from "../../collections/store";
import { ApiError, forbidden, notFound, unauthorized } from "../../lib/errors";
import { randomString } from "../../lib/ids";
import { CLIENT_ID_HEADER, CLIENT_QUOTA_HEADER, type ClientQuota } from "../../realtime/client";
import { connectInfo, type RealtimeOptions } from "../../realtime/connect";
import { directTopics } from "../../realtime/oauth2-redirect";
import { CONNECT_HEADER, DEFAULT_LIMITS } from "../../realtime/protocol";
import { groupSubscriptions, parseSetSubscriptions } from "../../realtime/sse-subscriptions";
import { issueTicket, redeemTicket } from "../../realtime/ticket-exchange";
import { TICKET_TTL_SECONDS } from "../../realtime/tickets";
import { readJsonObject } from "../body";
import type { AppEnv } from "../context";

/** What the realtime routes are built with. */
export interface RealtimeRouteOptions extends RealtimeOptions {
  store: CollectionStore;
}

/** PocketBase's client ids are 40 random characters. */
const CLIENT_ID_LENGTH = 40;

/** Mounts the realtime routes. The Worker authenticates; the Durable Objects accept and stream. */
export function realtimeRoutes(app: Hono<AppEnv>, options: RealtimeRouteOptions): void {
  app.get("/api/realtime/ws", async (c) => {
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
      throw new ApiError(426, "Expected a WebSocket upgrade.");
    }
    let auth = c.var.auth ?? null;
    let tokenExp = c.var.authToken?.exp ?? null;
    const ticket = c.req.query("ticket");
    if (ticket !== undefined) {
      const grant = await redeemTicket(c.env.REALTIME_USER, ticket);
      if (!grant) throw unauthorized("The realtime ticket is invalid, expired or already used.");
      ({ auth, tokenExp } = grant);
    }
    const ctx = ruleContext({ auth, headers: c.req.raw.headers, context: "realtime" });
    const snapshot = await options.store.snapshotWith(c.var.d1, [
      c.req.query("collection") ?? c.req.query("channel"),
    ]);
    const info = connectInfo(c.req.query(), ctx, snapshot, options);
    info.tokenExp = tokenExp;
    info.ip = ipBucket(c.req.header("cf-connecting-ip")) ?? undefined;
    const headers = new Headers(c.req.raw.headers);
    // Always overwritten: a client-sent header of this name never reaches the hub.
    headers.set(CONNECT_HEADER, JSON.stringify(info));
    const ns = c.env.REALTIME_HUB;
    const res = await ns.get(ns.idFromName(info.hubName)).fetch(c.req.url, { headers });
    if (res.status === 429) tooManyConnections();
    if (res.status !== 101) throw new ApiError(503, "Realtime is unavailable; retry shortly.");
    return res;
  });

  // Browsers cannot set headers on a WebSocket handshake: they trade their token for a ticket here and put
  // the ticket in the upgrade URL, where a logged copy is worthless after one use or 30 seconds.
  app.post("/api/realtime/ticket", async (c) => {
    const auth = c.var.auth;
    if (!auth) throw unauthorized();
    const ticket = await issueTicket(c.env.REALTIME_USER, { auth, tokenExp: c.var.authToken?.exp ?? null });
    return c.json({ ticket, expiresIn: TICKET_TTL_SECONDS });
  });

  app.get("/api/realtime", async (c) => {
    const clientId = randomString(CLIENT_ID_LENGTH);
    const limits = { ...DEFAULT_LIMITS, ...options.limits };
    const quota: ClientQuota = {
      ip: ipBucket(c.req.header("cf-connecting-ip")) ?? undefined,
      maxConnectionsPerIp: limits.maxConnectionsPerIp,
      maxConnectionsPerUser: limits.maxConnectionsPerUser,
    };
    const ns = c.env.REALTIME_CLIENT;
    const res = await ns.get(ns.idFromName(clientId)).fetch(c.req.url, {
      headers: { [CLIENT_ID_HEADER]: clientId, [CLIENT_QUOTA_HEADER]: JSON.stringify(quota) },
    });
    if (res.status === 429) tooManyConnections();
    if (res.status !== 200) throw new ApiError(503, "Realtime is unavailable; retry shortly.");
    return res;
  });

  app.post("/api/realtime", async (c) => {
    const input = parseSetSubscriptions(await readJsonObject(c));
    const names = input.subscriptions.map((t) => t.slice(0, t.indexOf("/")));
    const snapshot = await options.store.snapshotWith(c.var.d1, names);
    const ctx = ruleContext({ auth: c.var.auth ?? null, context: "realtime" });
    const maxCustom = options.limits?.maxSubscriptions ?? DEFAULT_LIMITS.maxSubscriptions;
    const groups = groupSubscriptions(snapshot, input, ctx, options.shards, maxCustom);
    const ns = c.env.REALTIME_CLIENT;
    const result = await ns
      .get(ns.idFromName(input.clientId))
      .setSubscriptions(
        c.var.auth ?? null,
        groups,
        c.var.authToken?.exp ?? null,
        directTopics(input.subscriptions),
      );
    if (result === "missing") throw notFound("Missing or invalid client id.");
    if (result === "too_many") tooManyConnections();
    if (result === "unavailable") throw new ApiError(503, "Realtime is unavailable; retry shortly.");
    if (result === "auth_mismatch")
      throw forbidden("The current and the previous request authorization don't match.");
    return c.body(null, 204);
  });
}

/** The 429 of a connection over the per-IP or per-user limit (realtime/connection-limits.ts). */
function tooManyConnections(): never {
  throw new ApiError(429, "Too many realtime connections from this client.");
}
