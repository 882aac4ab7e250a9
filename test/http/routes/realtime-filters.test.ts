/** Subscription filters see what REST filters see: hidden fields refused, private emails NULL (WS and SSE). */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createCollection } from "../../../src/collections/save-collection";
import { CollectionStore } from "../../../src/collections/store";
import { api, apiJson } from "../../helpers/request";
import { type SseFrame, TestSocket, takeFrames } from "../../realtime/helpers";

const open = { listRule: "", viewRule: "", createRule: "", updateRule: "", deleteRule: "" };
let privateMember = "";
let publicMember = "";

beforeAll(async () => {
  const deps = { db: env.DB, store: new CollectionStore() };
  await createCollection(deps, {
    name: "profiles",
    type: "base",
    ...open,
    fields: [
      { name: "name", type: "text" },
      { name: "ssn", type: "text", hidden: true },
    ],
  });
  await createCollection(deps, {
    name: "members",
    type: "auth",
    ...open,
    fields: [{ name: "nick", type: "text" }],
  });
  for (const ssn of ["123", "456"]) {
    const res = await apiJson("POST", "/api/collections/profiles/records", { name: "p" });
    expect(res.ok).toBe(true);
    const { id } = (await res.json()) as { id: string };
    // Hidden fields are written by superusers only; D1 directly stands in for one here.
    await env.DB.prepare("UPDATE profiles SET ssn = ? WHERE id = ?").bind(ssn, id).run();
  }
  const member = async (email: string, emailVisibility: boolean) => {
    const res = await apiJson("POST", "/api/collections/members/records", {
      email,
      emailVisibility,
      password: "password-123",
      passwordConfirm: "password-123",
    });
    expect(res.ok).toBe(true);
    return ((await res.json()) as { id: string }).id;
  };
  privateMember = await member("alice@example.com", false);
  publicMember = await member("anna@example.com", true);
});

async function socketOn(collection: string): Promise<TestSocket> {
  const res = await api(`/api/realtime/ws?collection=${collection}`, { headers: { upgrade: "websocket" } });
  expect(res.status).toBe(101);
  return new TestSocket(res.webSocket as WebSocket);
}

const touch = (id: string, nick: string) =>
  apiJson("PATCH", `/api/collections/members/records/${id}`, { nick });

describe("WebSocket subscription filters", () => {
  it("refuses a filter on a hidden field and replays nothing, as REST answers 400", async () => {
    const rest = await api(`/api/collections/profiles/records?filter=${encodeURIComponent("ssn ~ '1%'")}`);
    expect(rest.status).toBe(400);
    const socket = await socketOn("profiles");
    const refused = await socket.subscribe("profiles/*", { filter: "ssn ~ '1%'", since: 0 });
    expect(refused).toMatchObject({ type: "error", code: "invalid_options", topic: "profiles/*" });
    expect(refused.message).toContain("ssn");
    await socket.expectQuiet("profiles/none");
  });

  it("refuses @request and @collection in a filter", async () => {
    const socket = await socketOn("profiles");
    for (const filter of ["@request.auth.id = ''", "@collection.profiles.ssn = '123'"]) {
      expect(await socket.subscribe("profiles/*", { filter })).toMatchObject({
        type: "error",
        code: "forbidden",
      });
    }
  });

  it("reads a private email as NULL, so a filter on it cannot tell which record matches", async () => {
    const socket = await socketOn("members");
    expect(await socket.subscribe("members/*", { filter: "email ~ 'a%'" })).toMatchObject({
      type: "subscribed",
    });
    expect((await touch(privateMember, "x1")).status).toBe(200);
    expect((await touch(publicMember, "y1")).status).toBe(200);
    const event = await socket.next();
    expect(event).toMatchObject({
      type: "event",
      action: "update",
      record: { id: publicMember, nick: "y1" },
    });
    await socket.expectQuiet("members/none");
  });
});

/** Opens an SSE stream and returns its client id and a reader of the following frames. */
async function openStream() {
  const res = await api("/api/realtime");
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  const queue: SseFrame[] = [];
  const next = async (): Promise<SseFrame> => {
    for (;;) {
      const frame = queue.shift();
      if (frame) return frame;
      const { value, done } = await reader.read();
      if (done) throw new Error("stream ended");
      const { frames, rest } = takeFrames(buffer + decoder.decode(value, { stream: true }));
      buffer = rest;
      queue.push(...frames);
    }
  };
  const connect = await next();
  return { clientId: connect.id, next, cancel: () => reader.cancel() };
}

const optionsFor = (filter: string) => encodeURIComponent(JSON.stringify({ query: { filter } }));

describe("SSE subscription filters", () => {
  it("answers 400 for a hidden field and 403 for @request, as REST does", async () => {
    const stream = await openStream();
    const hidden = await apiJson("POST", "/api/realtime", {
      clientId: stream.clientId,
      subscriptions: [`profiles/*?options=${optionsFor("ssn ~ '1%'")}`],
    });
    expect(hidden.status).toBe(400);
    const request = await apiJson("POST", "/api/realtime", {
      clientId: stream.clientId,
      subscriptions: [`profiles/*?options=${optionsFor("@request.method = 'GET'")}`],
    });
    expect(request.status).toBe(403);
    await stream.cancel();
  });

  it("reads a private email as NULL", async () => {
    const stream = await openStream();
    const topic = `members/*?options=${optionsFor("email ~ 'a%'")}`;
    const set = await apiJson("POST", "/api/realtime", { clientId: stream.clientId, subscriptions: [topic] });
    expect(set.status).toBe(204);
    expect((await touch(privateMember, "x2")).status).toBe(200);
    expect((await touch(publicMember, "y2")).status).toBe(200);
    const frame = await stream.next();
    expect(frame.event).toBe(topic);
    expect(JSON.parse(frame.data)).toMatchObject({
      action: "update",
      record: { id: publicMember, nick: "y2" },
    });
    await stream.cancel();
  });
});
