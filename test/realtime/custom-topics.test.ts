import { createExecutionContext, evictDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createEdgebase } from "../../src/app";
import { ApiError } from "../../src/lib/errors";
import { DEFAULT_LIMITS } from "../../src/realtime/protocol";
import { MAX_MESSAGE_BYTES } from "../../src/realtime/topic-messages";
import { hubName, parseCustomTopic } from "../../src/realtime/topics";
import type { AuthRecord } from "../../src/rules/context";
import { type Caller, hookApp } from "../hooks/harness";
import { connectHub, FrameReader, openCollection, SUPERUSER, user } from "./helpers";

const { app, call } = hookApp({
  hooks: [
    {
      on: "record.afterCreate",
      collections: ["notes"],
      run: async (e) => {
        await e.realtime.publish("feed/notes", { created: e.record.id });
      },
    },
  ],
});
// A custom route: what an app adds to the Hono app createEdgebase returns.
app.post("/send/:room", async (c) => {
  const body = (await c.req.json()) as { text: unknown };
  const result = await app.realtime.publish(`chat/${c.req.param("room")}`, { text: body.text });
  return c.json(result);
});

beforeAll(async () => {
  await openCollection("notes", [{ name: "text", type: "text" }]);
});

const channel = (name: string) => ({ kind: "channel", name }) as const;

/** Opens an SSE stream on the app and subscribes it to `topics` as `auth`; returns its frames. */
async function sse(auth: Caller, topics: string[]): Promise<FrameReader> {
  const res = await app.fetch(
    new Request("http://edgebase.test/api/realtime"),
    env,
    createExecutionContext(),
  );
  const frames = new FrameReader(res);
  const connect = await frames.next();
  const set = await call(auth, "POST", "/api/realtime", { clientId: connect.id, subscriptions: topics });
  expect(set.status).toBe(204);
  return frames;
}

/** The status, message and data of an SSE subscription request that must fail. */
async function refused(topics: string[]) {
  const res = await app.fetch(
    new Request("http://edgebase.test/api/realtime"),
    env,
    createExecutionContext(),
  );
  const frames = new FrameReader(res);
  const { id } = await frames.next();
  const set = await call(null, "POST", "/api/realtime", { clientId: id, subscriptions: topics });
  await frames.cancel();
  return set;
}

describe("custom topic names", () => {
  it("are 1 to 8 names joined by /, never a room word first, at most 300 characters", () => {
    expect(parseCustomTopic("chat/room1")).toEqual({ kind: "custom", channel: "chat", topic: "chat/room1" });
    expect(parseCustomTopic("news")).toEqual({ kind: "custom", channel: "news", topic: "news" });
    expect(parseCustomTopic("a/b.c/d-e/f_g")?.channel).toBe("a");
    for (const bad of [
      "",
      "/x",
      "x/",
      "a//b",
      "chat/*",
      "chat/room 1",
      "chat/../x",
      "chat/room1?x=1",
      "presence/lobby",
      "broadcast/lobby",
      "@oauth2",
      "a/b/c/d/e/f/g/h/i",
      `chat/${"a".repeat(300)}`,
    ]) {
      expect(parseCustomTopic(bad), bad).toBeUndefined();
    }
  });
});

describe("app.realtime.publish over WebSocket", () => {
  it("reaches every subscriber of the topic, and only those the message's rule admits", async () => {
    const u1 = await connectHub(channel("chat"), { auth: user("u1") });
    const u2 = await connectHub(channel("chat"), { auth: user("u2") });
    const guest = await connectHub(channel("chat"));
    const su = await connectHub(channel("chat"), { auth: SUPERUSER });
    for (const s of [u1, u2, guest, su]) {
      expect(await s.subscribe("chat/room1")).toMatchObject({ type: "subscribed", topic: "chat/room1" });
    }
    const other = await connectHub(channel("chat"), { auth: user("u1") });
    await other.subscribe("chat/room2");

    expect(await app.realtime.publish("chat/room1", { text: "to all" })).toEqual({ delivered: 4 });
    for (const s of [u1, u2, guest, su]) {
      expect(await s.next()).toEqual({ type: "message", topic: "chat/room1", data: { text: "to all" } });
    }

    const onlyU1 = await app.realtime.publish(
      "chat/room1",
      { text: "u1" },
      { rule: '@request.auth.id = "u1"' },
    );
    expect(onlyU1).toEqual({ delivered: 2 }); // u1 and the superuser
    expect(await u1.next()).toMatchObject({ data: { text: "u1" } });
    expect(await su.next()).toMatchObject({ data: { text: "u1" } });

    const signedIn = await app.realtime.publish("chat/room1", 7, { rule: '@request.auth.id != ""' });
    expect(signedIn).toEqual({ delivered: 3 });
    for (const s of [u1, u2, su]) expect(await s.next()).toMatchObject({ data: 7 });

    expect(await app.realtime.publish("chat/room1", "staff", { rule: null })).toEqual({ delivered: 1 });
    expect(await su.next()).toMatchObject({ data: "staff" });

    // Nothing else reached anyone: the refused messages were never sent, room2 heard nothing.
    for (const s of [u1, u2, guest, su, other]) await s.expectQuiet("chat/none");
  });

  it("publishes from an after-hook (e.realtime) and from a custom route (app.realtime)", async () => {
    const feed = await connectHub(channel("feed"), { auth: user("u1") });
    await feed.subscribe("feed/notes");
    const created = await call(user("u1"), "POST", "/api/collections/notes/records", { text: "hi" });
    expect(created.status).toBe(200);
    expect(await feed.next()).toEqual({
      type: "message",
      topic: "feed/notes",
      data: { created: created.body.id },
    });

    const room = await connectHub(channel("chat"), { auth: user("u2") });
    await room.subscribe("chat/lobby");
    const sent = await call(user("u2"), "POST", "/send/lobby", { text: "hello" });
    expect(sent).toMatchObject({ status: 200, body: { delivered: 1 } });
    expect(await room.next()).toEqual({ type: "message", topic: "chat/lobby", data: { text: "hello" } });
  });

  it("refuses other channels' topics, malformed topics and options on a channel hub", async () => {
    const s = await connectHub(channel("chat"), { auth: user("u1") });
    for (const topic of ["news/x", "chat/*", "chat/a b", "presence/chat", "notes/*"]) {
      expect(await s.subscribe(topic), topic).toMatchObject({ type: "error", code: "invalid_topic", topic });
    }
    expect(await s.subscribe("chat/x", { filter: "a = 1" })).toMatchObject({
      type: "error",
      code: "invalid_options",
    });
    // A broadcast message is for rooms only.
    await s.subscribe("chat/x");
    s.send({ type: "broadcast", topic: "chat/x", data: 1 });
    expect(await s.next()).toMatchObject({ type: "error", code: "invalid_topic" });
  });

  it("keeps custom subscriptions through hibernation (state rebuilt from the attachments)", async () => {
    const s = await connectHub(channel("sleepy"), { auth: user("u1") });
    await s.subscribe("sleepy/a");
    const stub = env.REALTIME_HUB.get(env.REALTIME_HUB.idFromName(hubName(channel("sleepy"))));
    await evictDurableObject(stub, { webSockets: "hibernate" });
    expect(await app.realtime.publish("sleepy/a", "awake")).toEqual({ delivered: 1 });
    expect(await s.next()).toEqual({ type: "message", topic: "sleepy/a", data: "awake" });
  });

  it("caps subscriptions per connection", async () => {
    const s = await connectHub(channel("many"), {
      limits: { ...DEFAULT_LIMITS, maxSubscriptions: 2 },
    });
    await s.subscribe("many/1");
    await s.subscribe("many/2");
    expect(await s.subscribe("many/3")).toMatchObject({ type: "error", code: "too_many_subscriptions" });
  });
});

describe("GET /api/realtime/ws?channel=", () => {
  const upgrade = (query: string) =>
    app.fetch(
      new Request(`http://edgebase.test/api/realtime/ws?${query}`, { headers: { upgrade: "websocket" } }),
      env,
      createExecutionContext(),
    );

  it("connects to a channel's hub, which delivers published messages", async () => {
    const res = await upgrade("channel=lobby");
    expect(res.status).toBe(101);
    const ws = res.webSocket as WebSocket;
    ws.accept();
    const messages: unknown[] = [];
    const got = new Promise<void>((resolve) =>
      ws.addEventListener("message", (e) => {
        messages.push(JSON.parse(String(e.data)));
        if (messages.length === 2) resolve();
      }),
    );
    ws.send(JSON.stringify({ type: "subscribe", topic: "lobby/general" }));
    // Published only once subscribed: poll until the hub counts the subscriber.
    for (let i = 0; i < 50; i++) {
      if ((await app.realtime.publish("lobby/general", { n: i })).delivered === 1) break;
    }
    await got;
    expect(messages[0]).toMatchObject({ type: "subscribed", topic: "lobby/general" });
    expect(messages[1]).toMatchObject({
      type: "message",
      topic: "lobby/general",
      data: { n: expect.any(Number) },
    });
    ws.close();
  });

  it("refuses a collection's name, a room word, a malformed name or two hub kinds with a 400", async () => {
    for (const query of [
      "channel=notes",
      "channel=presence",
      "channel=a%2Fb",
      "channel=chat&room=chat",
      "channel=",
    ]) {
      const res = await upgrade(query);
      expect(res.status, query).toBe(400);
      const body = (await res.json()) as { status: number; message: string };
      expect(body.status).toBe(400);
      expect(body.message).toBeTruthy();
    }
  });
});

describe("app.realtime.publish over SSE", () => {
  it("reaches SSE subscribers of the topic the rule admits, named by the subscription key", async () => {
    const alice: AuthRecord = user("alice");
    const a = await sse(alice, ["chat/sse", "notes/*"]);
    const b = await sse(user("bob"), ["chat/sse"]);
    const guest = await sse(null, ["chat/sse"]);

    expect(
      await app.realtime.publish("chat/sse", { to: "alice" }, { rule: '@request.auth.id = "alice"' }),
    ).toEqual({
      delivered: 1,
    });
    expect(await app.realtime.publish("chat/sse", { to: "all" })).toEqual({ delivered: 3 });
    expect(await a.next()).toMatchObject({ event: "chat/sse", data: { to: "alice" } });
    expect(await a.next()).toMatchObject({ event: "chat/sse", data: { to: "all" } });
    // Bob's and the guest's first frame is the second message: the first never reached them.
    expect(await b.next()).toMatchObject({ event: "chat/sse", data: { to: "all" } });
    expect(await guest.next()).toMatchObject({ event: "chat/sse", data: { to: "all" } });
    for (const f of [a, b, guest]) await f.cancel();
  });

  it("accepts @oauth2, refuses unknown collections' record topics and malformed topics with a 400", async () => {
    expect((await sse(null, ["@oauth2", "notes/*", "chat/x"])) instanceof FrameReader).toBe(true);
    for (const topic of [
      "nosuch/*",
      "presence/lobby",
      "notes/a/b",
      "chat/a b",
      "@other",
      `chat/${"a".repeat(400)}`,
      "chat/x?options=%7B%22query%22%3A%7B%22filter%22%3A%22a%3D1%22%7D%7D",
    ]) {
      const res = await refused([topic]);
      expect(res.status, topic).toBe(400);
      expect(res.body).toMatchObject({ status: 400, message: expect.any(String), data: {} });
    }
  });

  it("caps custom topics per client at the subscription limit", async () => {
    const many = Array.from({ length: 101 }, (_, i) => `chat/t${i}`);
    const res = await refused(many);
    expect(res.status).toBe(400);
    expect(res.body.message).toBe("At most 100 custom topics per client.");
  });
});

describe("publish input", () => {
  it("refuses malformed topics, collection topics and payloads that are not bounded JSON with a 400", async () => {
    const bad = async (topic: unknown, payload: unknown) => {
      const error = await app.realtime.publish(topic as string, payload).catch((e: unknown) => e);
      expect(error, String(topic)).toBeInstanceOf(ApiError);
      expect((error as ApiError).status).toBe(400);
      return (error as ApiError).message;
    };
    for (const topic of ["", "chat/*", "presence/x", "a b", 42, null, `x/${"y".repeat(300)}`])
      await bad(topic, 1);
    expect(await bad("notes/x", 1)).toBe('"notes" is a collection: its topics carry record events only.');
    expect(await bad("chat/x", undefined)).toBe("The realtime message must be JSON.");
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(await bad("chat/x", cyclic)).toBe("The realtime message must be JSON.");
    expect(await bad("chat/x", { n: 1n })).toBe("The realtime message must be JSON.");
    expect(await bad("chat/x", "x".repeat(MAX_MESSAGE_BYTES))).toMatch(/bytes; at most 65536 are allowed/);
  });

  it("refuses rules that do not parse or read more than @request.*", async () => {
    for (const rule of [
      "@request.auth.id =",
      "title = 'x'",
      "@collection.notes.id != ''",
      "x".repeat(2_001),
    ]) {
      await expect(app.realtime.publish("chat/x", 1, { rule })).rejects.toThrow(TypeError);
    }
  });

  it("fails clearly when the app has no realtime", async () => {
    const off = createEdgebase({ logLevel: "off", realtime: false });
    await expect(off.realtime.publish("chat/x", 1)).rejects.toThrow(/realtime is off/);
  });
});
