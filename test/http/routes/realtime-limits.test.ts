/**
 * Realtime resource limits: connections per IP and per user across every hub, WebSockets and SSE streams alike
 * (released when they end, reclaimed when a release was lost), and the cost of a subscriber's filter per event.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createEdgebase } from "../../../src/app";
import { hubName } from "../../../src/realtime/topics";
import { ipRegistryName } from "../../../src/realtime/user-ref";
import { api, apiJson, BASE } from "../../helpers/request";
import { openCollection, TestSocket, takeFrames } from "../../realtime/helpers";

beforeAll(async () => {
  await openCollection("essays", [
    { name: "title", type: "text" },
    { name: "body", type: "text" },
  ]);
  await openCollection("notes", [{ name: "title", type: "text" }]);
});

/** Polls `attempt` until it gives `status` (a release runs after the close, in the background). */
async function eventually(attempt: () => Response | Promise<Response>, status: number): Promise<Response> {
  let res = await attempt();
  for (let i = 0; i < 40 && res.status !== status; i++) {
    await new Promise((r) => setTimeout(r, 25));
    res = await attempt();
  }
  return res;
}

/** The first SSE frame of a stream: PB_CONNECT with the client id. */
async function clientIdOf(res: Response): Promise<{ clientId: string; reader: ReadableStreamDefaultReader }> {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error("stream ended");
    const { frames, rest } = takeFrames(buffer + decoder.decode(value, { stream: true }));
    buffer = rest;
    const connect = frames.find((f) => f.event === "PB_CONNECT");
    if (connect) return { clientId: connect.id, reader };
  }
}

describe("connection limits", () => {
  const app = createEdgebase({
    logLevel: "off",
    realtime: { limits: { maxConnectionsPerIp: 2, maxConnectionsPerUser: 1 } },
    authenticate: async (c) => {
      const id = c.req.header("x-test-user");
      return id ? { id, collectionId: "_pb_users_auth_", collectionName: "users" } : null;
    },
  });
  /** Accepted sockets stay referenced: a dropped client socket could close and free its slot mid-test. */
  const open: TestSocket[] = [];
  const upgrade = async (ip: string, user?: string) => {
    const res = await app.request(
      `${BASE}/api/realtime/ws?collection=essays`,
      { headers: { upgrade: "websocket", "cf-connecting-ip": ip, ...(user && { "x-test-user": user }) } },
      env,
    );
    if (res.webSocket) open.push(new TestSocket(res.webSocket));
    return res;
  };

  it("refuses a connection over the per-IP limit with a 429, and admits again once one closes", async () => {
    const first = await upgrade("198.51.100.7");
    const second = await upgrade("198.51.100.7");
    expect([first.status, second.status]).toEqual([101, 101]);
    const third = await upgrade("198.51.100.7");
    expect(third.status).toBe(429);
    expect(await third.json()).toMatchObject({ status: 429 });
    expect((await upgrade("198.51.100.8")).status).toBe(101);
    const socket = open.find((t) => t.ws === first.webSocket) as TestSocket;
    socket.ws.close(1000, "done");
    await socket.closed;
    let reopened = 0;
    for (let i = 0; i < 20 && reopened !== 101; i++) {
      await new Promise((r) => setTimeout(r, 25));
      const res = await upgrade("198.51.100.7");
      reopened = res.status;
    }
    expect(reopened).toBe(101);
  });

  it("counts IPv6 clients per /64", async () => {
    expect((await upgrade("2001:db8:1:2::1")).status).toBe(101);
    expect((await upgrade("2001:db8:1:2:ffff::9")).status).toBe(101);
    expect((await upgrade("2001:0db8:0001:0002::77")).status).toBe(429);
    expect((await upgrade("2001:db8:1:3::1")).status).toBe(101);
  });

  it("refuses a second connection of one user from another IP", async () => {
    expect((await upgrade("192.0.2.1", "limited")).status).toBe(101);
    expect((await upgrade("192.0.2.2", "limited")).status).toBe(429);
    expect((await upgrade("192.0.2.2", "someone-else")).status).toBe(101);
  });

  it("counts sockets on every hub against one per-IP limit: collections and rooms alike", async () => {
    const ip = "198.51.100.20";
    const on = (query: string) =>
      app.request(
        `${BASE}/api/realtime/ws?${query}`,
        { headers: { upgrade: "websocket", "cf-connecting-ip": ip } },
        env,
      );
    const first = await on("collection=essays");
    const second = await on("collection=notes");
    expect([first.status, second.status]).toEqual([101, 101]);
    const held = [
      new TestSocket(first.webSocket as WebSocket),
      new TestSocket(second.webSocket as WebSocket),
    ];
    for (const query of ["room=lobby", "collection=essays&key=other-shard", "collection=notes"]) {
      const refused = await on(query);
      expect(refused.status).toBe(429);
      expect(await refused.json()).toMatchObject({
        status: 429,
        message: expect.stringMatching(/too many/i),
      });
    }
    // A closed socket gives its slot back, whichever hub it was on.
    (held[1] as TestSocket).ws.close(1000, "done");
    const room = await eventually(() => on("room=lobby"), 101);
    expect(room.status).toBe(101);
    open.push(held[0] as TestSocket, new TestSocket(room.webSocket as WebSocket));
  });

  it("counts SSE streams with WebSockets per IP, and a stream whose reader went away gives its slot back", async () => {
    const ip = "198.51.100.30";
    const headers = { "cf-connecting-ip": ip };
    const stream = await app.request(`${BASE}/api/realtime`, { headers }, env);
    expect(stream.status).toBe(200);
    const { reader } = await clientIdOf(stream);
    expect((await upgrade(ip)).status).toBe(101);
    const overSse = await app.request(`${BASE}/api/realtime`, { headers }, env);
    expect(overSse.status).toBe(429);
    expect(await overSse.json()).toMatchObject({ status: 429 });
    expect((await upgrade(ip)).status).toBe(429);
    await reader.cancel();
    expect((await eventually(() => upgrade(ip), 101)).status).toBe(101);
  });

  it("counts a signed-in SSE stream for its user; the user's slot comes back when the socket closes", async () => {
    const ws = await upgrade("192.0.2.40", "sse-user");
    expect(ws.status).toBe(101);
    const stream = await app.request(
      `${BASE}/api/realtime`,
      { headers: { "cf-connecting-ip": "192.0.2.41" } },
      env,
    );
    const { clientId } = await clientIdOf(stream);
    const subscribe = () =>
      app.request(
        `${BASE}/api/realtime`,
        {
          method: "POST",
          headers: { "content-type": "application/json", "x-test-user": "sse-user" },
          body: JSON.stringify({ clientId, subscriptions: ["essays/*"] }),
        },
        env,
      );
    const refused = await subscribe();
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ status: 429 });
    // A guest subscription on the same stream is not counted for anyone's user limit.
    const guest = await app.request(
      `${BASE}/api/realtime`,
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ clientId, subscriptions: ["essays/*"] }),
      },
      env,
    );
    expect(guest.status).toBe(204);
    const socket = open.find((t) => t.ws === ws.webSocket) as TestSocket;
    socket.ws.close(1000, "done");
    expect((await eventually(subscribe, 204)).status).toBe(204);
    // Now the stream holds the user's one slot: a socket of the same user is refused.
    expect((await upgrade("192.0.2.42", "sse-user")).status).toBe(429);
  });

  it("reclaims a slot whose release was lost (its hub or stream no longer has the connection)", async () => {
    const ip = "198.51.100.50";
    const registry = env.REALTIME_USER.get(env.REALTIME_USER.idFromName(ipRegistryName(ip)));
    // Two leases whose connections are gone, last confirmed long ago: as after a hub reset without close events.
    await runInDurableObject(registry, (_instance, state) => {
      const insert = "INSERT INTO conn_leases (id, holder, checked) VALUES (?, ?, 0)";
      state.storage.sql.exec(
        insert,
        "ghost-socket",
        `hub:${hubName({ kind: "collection", name: "essays" })}`,
      );
      state.storage.sql.exec(insert, "ghost-stream", "sse:no-such-client");
    });
    expect(await registry.connectionCount()).toBe(2);
    expect((await upgrade(ip)).status).toBe(101);
    expect((await upgrade(ip)).status).toBe(101);
    expect(await registry.connectionCount()).toBe(2);
    // Live connections are confirmed, not reclaimed.
    expect((await upgrade(ip)).status).toBe(429);
  });
});

describe("filter cost", () => {
  it("a filter too costly for a record denies that event instead of burning the hub's CPU", async () => {
    const res = await api("/api/realtime/ws?collection=essays", { headers: { upgrade: "websocket" } });
    const socket = new TestSocket(res.webSocket as WebSocket);
    expect(await socket.subscribe("essays/*", { filter: "title ~ body" })).toMatchObject({
      type: "subscribed",
    });
    // A LIKE whose pattern is another long column: quadratic backtracking in a naive matcher.
    const body = `${"a".repeat(10_000)}b`;
    const costly = await apiJson("POST", "/api/collections/essays/records", {
      title: `${"a".repeat(30_000)}b`,
      body,
    });
    expect(costly.ok).toBe(true);
    const cheap = await apiJson("POST", "/api/collections/essays/records", { title: "xyz", body: "y" });
    const { id } = (await cheap.json()) as { id: string };
    expect(await socket.next()).toMatchObject({ type: "event", record: { id } });
  });
});
