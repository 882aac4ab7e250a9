/** Realtime resource limits: connections per IP and per user, and the cost of a subscriber's filter per event. */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createEdgebase } from "../../../src/app";
import { api, apiJson, BASE } from "../../helpers/request";
import { openCollection, TestSocket } from "../../realtime/helpers";

beforeAll(async () => {
  await openCollection("essays", [
    { name: "title", type: "text" },
    { name: "body", type: "text" },
  ]);
});

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
