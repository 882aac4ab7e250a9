/** Realtime routes: the native WebSocket (`/api/realtime/ws`) and PocketBase's SSE (`GET`/`POST /api/realtime`). */
import type { Hono } from "hono";
import { ruleContext } from "../../auth/rule-context";
import type { CollectionStore, SchemaSnapshot } from "../../collections/store";
import type { D1Like } from "../../db/sql";
import { ApiError, forbidden, notFound } from "../../lib/errors";
import { randomString } from "../../lib/ids";
import { CLIENT_ID_HEADER } from "../../realtime/client";
import { connectInfo, type RealtimeOptions } from "../../realtime/connect";
import { CONNECT_HEADER } from "../../realtime/protocol";
import { groupSubscriptions, parseSetSubscriptions } from "../../realtime/sse-subscriptions";
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
    const ctx = ruleContext({ auth: c.var.auth ?? null, headers: c.req.raw.headers, context: "realtime" });
    const snapshot = await snapshotWith(options.store, c.var.d1, [c.req.query("collection")]);
    const info = connectInfo(c.req.query(), ctx, snapshot, options);
    const headers = new Headers(c.req.raw.headers);
    // Always overwritten: a client-sent header of this name never reaches the hub.
    headers.set(CONNECT_HEADER, JSON.stringify(info));
    const ns = c.env.REALTIME_HUB;
    const res = await ns.get(ns.idFromName(info.hubName)).fetch(c.req.url, { headers });
    if (res.status !== 101) throw new ApiError(503, "Realtime is unavailable; retry shortly.");
    return res;
  });

  app.get("/api/realtime", (c) => {
    const clientId = randomString(CLIENT_ID_LENGTH);
    const ns = c.env.REALTIME_CLIENT;
    return ns.get(ns.idFromName(clientId)).fetch(c.req.url, { headers: { [CLIENT_ID_HEADER]: clientId } });
  });

  app.post("/api/realtime", async (c) => {
    const input = parseSetSubscriptions(await readJsonObject(c));
    const names = input.subscriptions.map((t) => t.slice(0, t.indexOf("/")));
    const snapshot = await snapshotWith(options.store, c.var.d1, names);
    const groups = groupSubscriptions(snapshot, input, options.shards);
    const ns = c.env.REALTIME_CLIENT;
    const result = await ns.get(ns.idFromName(input.clientId)).setSubscriptions(c.var.auth ?? null, groups);
    if (result === "missing") throw notFound("Missing or invalid client id.");
    if (result === "auth_mismatch")
      throw forbidden("The current and the previous request authorization don't match.");
    return c.body(null, 204);
  });
}

/** The cached schema, reloaded once when it lacks a named collection (created by another isolate just now). */
async function snapshotWith(
  store: CollectionStore,
  db: D1Like,
  names: (string | undefined)[],
): Promise<SchemaSnapshot> {
  const snapshot = await store.snapshot(db);
  const missing = names.some((n) => n !== undefined && n !== "" && !snapshot.find(n));
  return missing ? store.load(db) : snapshot;
}
