import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS } from "../../src/realtime/protocol";
import { connectHub, user } from "./helpers";

const lobby = { kind: "room", name: "lobby" } as const;
const allowed = { join: true, broadcast: true };

describe("presence and broadcast rooms", () => {
  it("sends the member list to a joiner and join/leave events to the others", async () => {
    const alice = await connectHub(lobby, { auth: user("alice"), room: allowed });
    const bob = await connectHub(lobby, { auth: user("bob"), room: allowed });
    await alice.subscribe("presence/lobby");
    const list = await alice.next();
    expect(list).toMatchObject({
      type: "presence",
      topic: "presence/lobby",
      members: [{ userId: "alice", collectionName: "users" }],
    });
    await bob.subscribe("presence/lobby");
    const bobList = await bob.next();
    expect(bobList.members.map((m: { userId: string }) => m.userId).sort()).toEqual(["alice", "bob"]);
    expect(await alice.next()).toMatchObject({
      type: "join",
      topic: "presence/lobby",
      member: { userId: "bob" },
    });
    bob.send({ type: "unsubscribe", topic: "presence/lobby" });
    expect(await bob.next()).toEqual({ type: "unsubscribed", topic: "presence/lobby" });
    expect(await alice.next()).toMatchObject({ type: "leave", member: { userId: "bob" } });
    await bob.subscribe("presence/lobby");
    await bob.next();
    await alice.next();
    bob.ws.close(1000);
    expect(await alice.next()).toMatchObject({ type: "leave", member: { userId: "bob" } });
  });

  it("relays broadcast messages to the other subscribers only", async () => {
    const a = await connectHub(lobby, { auth: user("a"), room: allowed });
    const b = await connectHub(lobby, { auth: user("b"), room: allowed });
    await a.subscribe("broadcast/lobby");
    await b.subscribe("broadcast/lobby");
    a.send({ type: "broadcast", topic: "broadcast/lobby", data: { text: "hi" } });
    expect(await b.next()).toMatchObject({
      type: "broadcast",
      topic: "broadcast/lobby",
      data: { text: "hi" },
      from: { userId: "a" },
    });
    await a.expectQuiet("presence/lobby");
  });

  it("enforces the room permissions the Worker decided", async () => {
    const guest = await connectHub(lobby, { room: { join: false, broadcast: false } });
    expect(await guest.subscribe("presence/lobby")).toMatchObject({ type: "error", code: "forbidden" });
    const reader = await connectHub(lobby, { auth: user("r"), room: { join: true, broadcast: false } });
    await reader.subscribe("broadcast/lobby");
    reader.send({ type: "broadcast", topic: "broadcast/lobby", data: 1 });
    expect(await reader.next()).toMatchObject({ type: "error", code: "forbidden" });
    const writer = await connectHub(lobby, { auth: user("w"), room: allowed });
    writer.send({ type: "broadcast", topic: "broadcast/lobby", data: 1 });
    expect(await writer.next()).toMatchObject({ type: "error", code: "forbidden" });
  });
});

describe("per-connection limits", () => {
  const room = { kind: "room", name: "limits" } as const;

  it("refuses subscriptions past the limit", async () => {
    const s = await connectHub(
      { kind: "collection", name: "posts" },
      { limits: { ...DEFAULT_LIMITS, maxSubscriptions: 2 } },
    );
    await s.subscribe("posts/a");
    await s.subscribe("posts/b");
    expect(await s.subscribe("posts/c")).toMatchObject({ type: "error", code: "too_many_subscriptions" });
    // Re-subscribing to a held topic replaces it and is not a new one.
    expect(await s.subscribe("posts/a", { filter: "id != ''" })).toMatchObject({ type: "subscribed" });
  });

  it("closes the socket with 1009 on an oversized message", async () => {
    const s = await connectHub(room, { limits: { ...DEFAULT_LIMITS, maxMessageBytes: 100 } });
    s.send({ type: "subscribe", topic: "presence/limits", filter: "x".repeat(200) });
    expect(await s.closed).toMatchObject({ code: 1009 });
  });

  it("answers rate_limited past the rate and closes with 1008 past twice the rate", async () => {
    const s = await connectHub(room, { limits: { ...DEFAULT_LIMITS, messagesPerSecond: 2 } });
    for (let i = 0; i < 5; i++) s.send({ type: "unsubscribe", topic: "presence/limits" });
    const replies = [await s.next(), await s.next(), await s.next(), await s.next()];
    expect(replies.map((r) => r.type)).toEqual(["unsubscribed", "unsubscribed", "error", "error"]);
    expect(replies[2]).toMatchObject({ code: "rate_limited" });
    expect(await s.closed).toMatchObject({ code: 1008 });
  });
});
