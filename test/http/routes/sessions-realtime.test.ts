/** Ending sessions de-authorizes the user's realtime connections (PocketBase SSE bound to a real token). */
import { describe, expect, it } from "vitest";
import { api, apiJson } from "../../helpers/request";
import { TestSocket, takeFrames } from "../../realtime/helpers";
import { authed, createSuperuser, PASSWORD, signIn, signUp } from "./auth-helpers";

/** How long a test waits for the server to end a stream before calling it still open. */
const END_WAIT_MS = 5_000;

/** Opens an SSE stream; `ended(ms)` says whether the server ended it within `ms`. */
async function openStream(): Promise<{
  clientId: string;
  ended: (ms?: number) => Promise<"ended" | "open">;
  close: () => Promise<void>;
}> {
  const res = await api("/api/realtime");
  expect(res.status).toBe(200);
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let clientId = "";
  while (!clientId) {
    const { value, done } = await reader.read();
    if (done) throw new Error("stream ended before PB_CONNECT");
    const { frames, rest } = takeFrames(buffer + decoder.decode(value, { stream: true }));
    buffer = rest;
    clientId = frames.find((f) => f.event === "PB_CONNECT")?.id ?? "";
  }
  const done = (async () => {
    for (;;) if ((await reader.read()).done) return "ended" as const;
  })();
  const ended = (ms = END_WAIT_MS) =>
    Promise.race([done, new Promise<"open">((resolve) => setTimeout(() => resolve("open"), ms))]);
  return { clientId, ended, close: () => reader.cancel() };
}

async function subscribe(token: string, clientId: string): Promise<void> {
  const res = await authed(token, "/api/realtime", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ clientId, subscriptions: ["users/*"] }),
  });
  expect(res.status).toBe(204);
}

describe("realtime de-authorization", () => {
  it("logout-all ends the user's SSE stream", async () => {
    await signUp("ann@example.com");
    await signUp("abe@example.com");
    const ann = await signIn("ann@example.com");
    const abe = await signIn("abe@example.com");
    const { clientId, ended } = await openStream();
    await subscribe(ann.token, clientId);
    const other = await openStream();
    await subscribe(abe.token, other.clientId);
    expect(await ended(200)).toBe("open");
    expect((await authed(ann.token, "/api/sessions/logout-all", { method: "POST" })).status).toBe(204);
    expect(await ended()).toBe("ended");
    // Only Ann's stream ends: another user's stays open.
    expect(await other.ended(500)).toBe("open");
    await other.close();
  });

  it("a superuser revoking the user's session (record sessions API) ends the user's SSE stream", async () => {
    const id = await signUp("amy@example.com");
    const amy = await signIn("amy@example.com");
    await createSuperuser("root-rt@example.com");
    const su = await signIn("root-rt@example.com", "_superusers");
    const { clientId, ended } = await openStream();
    await subscribe(amy.token, clientId);
    expect(await ended(200)).toBe("open");
    const sid = JSON.parse(
      atob((amy.token.split(".")[1] ?? "").replaceAll("-", "+").replaceAll("_", "/")),
    ).sid;
    const path = `/api/collections/users/records/${id}/sessions/${sid}`;
    expect((await authed(su.token, path, { method: "DELETE" })).status).toBe(204);
    expect(await ended()).toBe("ended");
  });

  it("a password change through the records API ends the user's SSE stream", async () => {
    const id = await signUp("bob@example.com");
    const bob = await signIn("bob@example.com");
    const { clientId, ended } = await openStream();
    await subscribe(bob.token, clientId);
    const res = await apiJson(
      "PATCH",
      `/api/collections/users/records/${id}`,
      { oldPassword: PASSWORD, password: "a new password", passwordConfirm: "a new password" },
      { authorization: bob.token },
    );
    expect(res.status).toBe(200);
    expect(await ended()).toBe("ended");
  });

  it("a browser WebSocket signs in with a single-use ticket and logout-all closes it", async () => {
    await signUp("cy@example.com");
    const cy = await signIn("cy@example.com");
    const issued = await authed(cy.token, "/api/realtime/ticket", { method: "POST" });
    expect(issued.status).toBe(200);
    const { ticket, expiresIn } = (await issued.json()) as { ticket: string; expiresIn: number };
    expect(expiresIn).toBe(30);
    const upgrade = () =>
      api(`/api/realtime/ws?room=lobby&ticket=${encodeURIComponent(ticket)}`, {
        headers: { upgrade: "websocket" },
      });
    const res = await upgrade();
    expect(res.status).toBe(101);
    const socket = new TestSocket(res.webSocket as WebSocket);
    // Presence is for signed-in callers only under the default room rules: the ticket counted.
    expect(await socket.subscribe("presence/lobby")).toMatchObject({
      type: "subscribed",
      topic: "presence/lobby",
    });
    // Single use: the same URL a log kept opens nothing.
    const replayed = await upgrade();
    expect(replayed.status).toBe(401);
    expect((await authed(cy.token, "/api/sessions/logout-all", { method: "POST" })).status).toBe(204);
    expect((await socket.closed).code).toBe(4401);
  });

  it("a ticket needs a signed-in caller, and a garbled one is a 401", async () => {
    const guest = await api("/api/realtime/ticket", { method: "POST" });
    expect(guest.status).toBe(401);
    const garbled = await api(`/api/realtime/ws?room=lobby&ticket=${"0".repeat(64)}.${"a".repeat(40)}`, {
      headers: { upgrade: "websocket" },
    });
    expect(garbled.status).toBe(401);
    expect(await garbled.json()).toMatchObject({ status: 401 });
  });

  it("logout-all voids a ticket not yet used", async () => {
    await signUp("eve@example.com");
    const eve = await signIn("eve@example.com");
    const { ticket } = (await (
      await authed(eve.token, "/api/realtime/ticket", { method: "POST" })
    ).json()) as {
      ticket: string;
    };
    expect((await authed(eve.token, "/api/sessions/logout-all", { method: "POST" })).status).toBe(204);
    const res = await api(`/api/realtime/ws?room=lobby&ticket=${ticket}`, {
      headers: { upgrade: "websocket" },
    });
    expect(res.status).toBe(401);
  });

  it("a ?token= upgrade URL is not read: the socket is a guest's", async () => {
    await signUp("fay@example.com");
    const fay = await signIn("fay@example.com");
    const res = await api(`/api/realtime/ws?room=lobby&token=${encodeURIComponent(fay.token)}`, {
      headers: { upgrade: "websocket" },
    });
    expect(res.status).toBe(101);
    const socket = new TestSocket(res.webSocket as WebSocket);
    expect(await socket.subscribe("presence/lobby")).toMatchObject({ type: "error", code: "forbidden" });
  });

  it("a ?token= on a plain request is ignored (guest)", async () => {
    await signUp("dee@example.com");
    const dee = await signIn("dee@example.com");
    const res = await api(`/api/sessions?token=${encodeURIComponent(dee.token)}`);
    expect(res.status).toBe(401);
  });
});
