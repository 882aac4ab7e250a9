/** Realtime connections follow their auth record: keyed by collection and id, refreshed on update, ended at `exp`. */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "../../../src/auth/password";
import { createCollection } from "../../../src/collections/save-collection";
import { CollectionStore } from "../../../src/collections/store";
import { CLOSE_DEAUTHORIZED } from "../../../src/realtime/hub";
import { api, apiJson } from "../../helpers/request";
import { hubStub, type Msg, TestSocket } from "../../realtime/helpers";
import { authed, eventually, PASSWORD, signIn, signUp } from "./auth-helpers";

const deps = () => ({ db: env.DB, store: new CollectionStore() });

beforeAll(async () => {
  await createCollection(deps(), {
    name: "docs",
    type: "base",
    listRule: "@request.auth.name = 'reader'",
    viewRule: "@request.auth.name = 'reader'",
    createRule: "",
    fields: [{ name: "title", type: "text" }],
  });
  await createCollection(deps(), {
    name: "brief",
    type: "auth",
    listRule: "",
    viewRule: "",
    createRule: "",
    authToken: { duration: 1 },
    fields: [],
  });
});

/** Opens a WebSocket on a collection hub, signed in with an Authorization header. */
async function socketOn(collection: string, token?: string): Promise<TestSocket> {
  const headers: Record<string, string> = { upgrade: "websocket" };
  if (token) headers.authorization = token;
  const res = await api(`/api/realtime/ws?collection=${collection}`, { headers });
  expect(res.status).toBe(101);
  return new TestSocket(res.webSocket as WebSocket);
}

/** The next message within `ms`, or undefined. */
function nextWithin(socket: TestSocket, ms: number): Promise<Msg | undefined> {
  return Promise.race([socket.next(), new Promise<undefined>((r) => setTimeout(() => r(undefined), ms))]);
}

describe("the de-authorization registry", () => {
  it("is keyed by collection and id: a user who takes a superuser's id cannot close the superuser's sockets", async () => {
    const id = "su0collision01a";
    const now = "2026-01-01 00:00:00.000Z";
    await env.DB.prepare(
      "INSERT INTO _superusers (id, email, password, tokenKey, verified, created, updated) VALUES (?, ?, ?, ?, 1, ?, ?)",
    )
      .bind(id, "root-rt@example.com", await hashPassword(PASSWORD), crypto.randomUUID(), now, now)
      .run();
    const root = await signIn("root-rt@example.com", "_superusers");
    const rootSocket = await socketOn("docs", root.token);
    expect(await rootSocket.subscribe("docs/*")).toMatchObject({ type: "subscribed" });

    expect(await signUp("squatter@example.com", { id })).toBe(id);
    const squatter = await signIn("squatter@example.com");
    const squatterSocket = await socketOn("docs", squatter.token);
    expect((await authed(squatter.token, "/api/sessions/logout-all", { method: "POST" })).status).toBe(204);
    expect((await squatterSocket.closed).code).toBe(CLOSE_DEAUTHORIZED);
    // The superuser's socket is still open and still served.
    expect(await rootSocket.subscribe("docs/none")).toMatchObject({ type: "subscribed" });
    await apiJson("POST", "/api/collections/docs/records", { title: "still here" });
    expect(await rootSocket.next()).toMatchObject({ type: "event", record: { title: "still here" } });
  });
});

describe("auth record updates", () => {
  it("any update of the record refreshes what rules read from @request.auth on open sockets", async () => {
    const id = await signUp("reader@example.com", { name: "reader" });
    const reader = await signIn("reader@example.com");
    const socket = await socketOn("docs", reader.token);
    expect(await socket.subscribe("docs/*")).toMatchObject({ type: "subscribed" });
    await apiJson("POST", "/api/collections/docs/records", { title: "first" });
    expect(await socket.next()).toMatchObject({ type: "event", record: { title: "first" } });

    const renamed = await apiJson(
      "PATCH",
      `/api/collections/users/records/${id}`,
      { name: "someone else" },
      { authorization: reader.token },
    );
    expect(renamed.status).toBe(200);
    // The refresh runs after the response (a change sink): once it landed, events stop.
    const stopped = await eventually(async () => {
      await apiJson("POST", "/api/collections/docs/records", { title: "probe" });
      return (await nextWithin(socket, 300)) === undefined;
    });
    expect(stopped).toBe(true);
  });
});

describe("token expiry", () => {
  const signUpBrief = async (email: string) => {
    const res = await apiJson("POST", "/api/collections/brief/records", {
      email,
      password: PASSWORD,
      passwordConfirm: PASSWORD,
    });
    expect(res.ok).toBe(true);
    return signIn(email, "brief");
  };

  it("closes a WebSocket whose access token expired (4401)", async () => {
    const { token } = await signUpBrief("short-ws@example.com");
    const socket = await socketOn("docs", token);
    await new Promise((r) => setTimeout(r, 1_100));
    socket.send({ type: "subscribe", topic: "docs/*" });
    expect(await socket.next()).toMatchObject({ type: "error", code: "token_expired" });
    expect((await socket.closed).code).toBe(CLOSE_DEAUTHORIZED);
  });

  it("ends an SSE stream whose access token expired at the next event", async () => {
    const { token } = await signUpBrief("short-sse@example.com");
    const res = await api("/api/realtime");
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    const clientId = /id:(\w+)/.exec(first)?.[1] as string;
    const set = await authed(token, "/api/realtime", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ clientId, subscriptions: ["brief/*"] }),
    });
    expect(set.status).toBe(204);
    await new Promise((r) => setTimeout(r, 1_100));
    await signUpBrief("short-sse-trigger@example.com");
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      // Nothing may be delivered after expiry.
      expect(new TextDecoder().decode(value)).not.toContain("short-sse-trigger");
    }
  });
});

describe("connection state", () => {
  it("keeps only the headers the collection's rules read: never Authorization or Cookie", async () => {
    await createCollection(deps(), {
      name: "regional",
      type: "base",
      listRule: "@request.headers.x_region = 'eu'",
      viewRule: "",
      createRule: "",
      fields: [{ name: "title", type: "text" }],
    });
    await signUp("headers@example.com");
    const { token } = await signIn("headers@example.com");
    const res = await api("/api/realtime/ws?collection=regional&key=headers-test", {
      headers: {
        upgrade: "websocket",
        authorization: token,
        cookie: "session=secret",
        "x-region": "eu",
        "x-unrelated": "noise",
      },
    });
    expect(res.status).toBe(101);
    const socket = new TestSocket(res.webSocket as WebSocket);
    expect(await socket.subscribe("regional/*")).toMatchObject({ type: "subscribed" });
    // The kept header still serves the rule.
    await apiJson("POST", "/api/collections/regional/records", { title: "eu only" });
    expect(await socket.next()).toMatchObject({ type: "event", record: { title: "eu only" } });
    const stored = await runInDurableObject(hubStub("regional"), (_hub, state) =>
      state.getWebSockets().map((ws) => JSON.stringify(ws.deserializeAttachment())),
    );
    expect(stored).toHaveLength(1);
    const attachment = JSON.parse(stored[0] as string);
    expect(attachment.headers).toEqual({ x_region: "eu" });
    expect(stored[0]).not.toContain(token);
    expect(stored[0]).not.toContain("session=secret");
  });
});
