/**
 * Every in-memory or stored structure of realtime stays bounded under churn: connections, index, rates, log,
 * tickets, SSE clients and connection leases.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { EVENT_LOG_SIZE, PRUNE_EVERY } from "../../src/realtime/event-log";
import type { RealtimeHub } from "../../src/realtime/hub";
import { MAX_TICKETS_PER_USER } from "../../src/realtime/tickets";
import { ipRegistryName, userRegistryName } from "../../src/realtime/user-ref";
import { api, apiJson } from "../helpers/request";
import {
  collectionDef,
  connectHub,
  hubStub,
  openCollection,
  type TestSocket,
  takeFrames,
  user,
} from "./helpers";

const hub = { kind: "collection", name: "churn" } as const;
const churn = collectionDef({ name: "churn" });

const sizes = () =>
  runInDurableObject(hubStub("churn"), (instance: RealtimeHub, state) => ({
    ...instance.connections.sizes(),
    sockets: state.getWebSockets().length,
    remote: instance.remote.clients.size,
    logged: state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM events").one().n,
    spilled: state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM conn_state").one().n,
  }));

async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100 && !(await check()); i++) await new Promise((r) => setTimeout(r, 20));
}

describe("realtime bounds", () => {
  it("connections, topic index and rate windows shrink back as sockets come and go; the event log stays capped", async () => {
    const kept: TestSocket[] = [];
    for (let round = 0; round < 6; round++) {
      const batch: TestSocket[] = [];
      for (let i = 0; i < 8; i++) {
        // Big auth records spill to SQLite: those rows must go with their sockets too.
        const auth = user(`u${round}-${i}`, i % 2 ? { bio: "x".repeat(3_000) } : {});
        const socket = await connectHub(hub, { auth });
        await socket.subscribe("churn/*");
        await socket.subscribe(`churn/rec${round}${i}`);
        batch.push(socket);
      }
      await hubStub("churn").publish({
        action: "create",
        collection: { ...churn, hidden: [] },
        record: { id: `rec${round}0` },
      });
      for (const [i, socket] of batch.entries()) {
        if (i === 0) kept.push(socket);
        else socket.ws.close(1000, "bye");
      }
      await until(async () => (await sizes()).connections === kept.length);
    }
    const after = await sizes();
    expect(after.connections).toBe(kept.length);
    expect(after.rates).toBeLessThanOrEqual(kept.length);
    // `churn/*` plus one record topic per kept socket.
    expect(after.indexKeys).toBeLessThanOrEqual(1 + kept.length);
    expect(after.indexEntries).toBe(2 * kept.length);
    expect(after.spilled).toBeLessThanOrEqual(kept.length);

    await runInDurableObject(hubStub("churn"), (instance: RealtimeHub) => {
      for (let i = 0; i < EVENT_LOG_SIZE + 50; i++) {
        instance.events.append({
          action: "update",
          collection: { ...churn, hidden: [] },
          record: { id: `bulk${i % 7}` },
        });
      }
    });
    // The tail is pruned every PRUNE_EVERY appends, so the stored rows stay within the window plus one step.
    const logged = (await sizes()).logged;
    expect(logged).toBeGreaterThanOrEqual(EVENT_LOG_SIZE);
    expect(logged).toBeLessThan(EVENT_LOG_SIZE + PRUNE_EVERY);

    for (const socket of kept) socket.ws.close(1000, "bye");
    await until(async () => (await sizes()).connections === 0);
    expect(await sizes()).toMatchObject({
      connections: 0,
      indexKeys: 0,
      indexEntries: 0,
      rates: 0,
      spilled: 0,
    });
  });

  it("a user's pending tickets are capped", async () => {
    const ref = { collectionId: "_pb_users_auth_", userId: "ticket-hoarder" };
    const stub = env.REALTIME_USER.get(env.REALTIME_USER.idFromName(userRegistryName(ref)));
    for (let i = 0; i < MAX_TICKETS_PER_USER * 3; i++) {
      await stub.issueTicket({ auth: user("ticket-hoarder"), tokenExp: null });
    }
    const stored = await runInDurableObject(
      stub,
      (_instance, state) =>
        state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM tickets").one().n,
    );
    expect(stored).toBe(MAX_TICKETS_PER_USER);
  });

  it("SSE clients on a hub and connection leases of an IP go back to zero when the streams go away", async () => {
    await openCollection("churnsse", [{ name: "title", type: "text" }]);
    const ip = "198.51.100.77";
    const leases = env.REALTIME_USER.get(env.REALTIME_USER.idFromName(ipRegistryName(ip)));
    const remote = () =>
      runInDurableObject(hubStub("churnsse"), (instance: RealtimeHub) => instance.remote.clients.size);
    const readers: ReadableStreamDefaultReader<Uint8Array>[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await api("/api/realtime", { headers: { "cf-connecting-ip": ip } });
      expect(res.status).toBe(200);
      const reader = (res.body as ReadableStream<Uint8Array>).getReader();
      const { value } = await reader.read();
      const [connect] = takeFrames(new TextDecoder().decode(value)).frames;
      const set = await apiJson("POST", "/api/realtime", {
        clientId: connect?.id,
        subscriptions: ["churnsse/*"],
      });
      expect(set.status).toBe(204);
      readers.push(reader);
    }
    expect(await remote()).toBe(12);
    expect(await leases.connectionCount()).toBe(12);
    for (const reader of readers) await reader.cancel();
    await until(async () => (await remote()) === 0 && (await leases.connectionCount()) === 0);
    expect(await remote()).toBe(0);
    expect(await leases.connectionCount()).toBe(0);
  });
});
