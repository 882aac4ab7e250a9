import { beforeAll, describe, expect, it } from "vitest";
import { api, apiJson } from "../../helpers/request";
import { openCollection, TestSocket } from "../../realtime/helpers";

beforeAll(async () => {
  await openCollection("notes", [
    { name: "title", type: "text" },
    { name: "secret", type: "text", hidden: true },
  ]);
});

function upgrade(query: string): Promise<Response> {
  return api(`/api/realtime/ws${query}`, { headers: { upgrade: "websocket" } });
}

describe("GET /api/realtime/ws", () => {
  it("upgrades through the Worker and delivers records written through the API", async () => {
    const res = await upgrade("?collection=notes");
    expect(res.status).toBe(101);
    const socket = new TestSocket(res.webSocket as WebSocket);
    expect(await socket.subscribe("notes/*")).toMatchObject({ type: "subscribed", topic: "notes/*" });
    const created = await apiJson("POST", "/api/collections/notes/records", { title: "hello" });
    expect(created.ok).toBe(true);
    const record = (await created.json()) as { id: string };
    const event = await socket.next();
    expect(event).toMatchObject({
      type: "event",
      topic: "notes/*",
      action: "create",
      record: { id: record.id, title: "hello" },
    });
    expect(Object.keys(event.record)).not.toContain("secret");
  });

  it("refuses requests without an upgrade, with a bad query, or for unknown collections", async () => {
    const plain = await api("/api/realtime/ws?collection=notes");
    expect(plain.status).toBe(426);
    expect(await plain.json()).toMatchObject({ status: 426, message: "Expected a WebSocket upgrade." });
    expect((await upgrade("")).status).toBe(400);
    expect((await upgrade("?collection=notes&room=lobby")).status).toBe(400);
    expect((await upgrade("?collection=notes&since=-1")).status).toBe(400);
    expect((await upgrade("?collection=nope")).status).toBe(404);
  });

  it("lets guests into a room but not its presence under the default rules, and ignores a forged connect header", async () => {
    const res = await api("/api/realtime/ws?room=lobby", {
      headers: {
        upgrade: "websocket",
        "x-edgebase-realtime": JSON.stringify({ room: { join: true, broadcast: true } }),
      },
    });
    expect(res.status).toBe(101);
    const socket = new TestSocket(res.webSocket as WebSocket);
    expect(await socket.subscribe("presence/lobby")).toMatchObject({ type: "error", code: "forbidden" });
  });
});
