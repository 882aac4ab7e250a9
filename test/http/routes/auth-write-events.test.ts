/** Auth flows write through the records engine: each reaches realtime subscribers and bumps the read cache. */
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { clearDevOutbox, readDevOutbox } from "../../../src/auth/mailer";
import { api, apiJson } from "../../helpers/request";
import { type Msg, TestSocket } from "../../realtime/helpers";
import { authed, createSuperuser, freshIp, type Json, PASSWORD, signIn, signUp } from "./auth-helpers";

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  apiJson("POST", `/api/collections/users/${path}`, body, { "cf-connecting-ip": freshIp(), ...headers });

/** The last dev-outbox mail to `to`: its emailed token, or its one-time code. */
function lastMailTo(to: string): { token: string; code: string } {
  const text =
    readDevOutbox()
      .filter((m) => m.to === to)
      .at(-1)?.text ?? "";
  return {
    token: decodeURIComponent(/\/auth\/confirm-[a-z-]+\/([^\s"<]+)/.exec(text)?.[1] ?? ""),
    code: /one-time password is: ([0-9]+)/.exec(text)?.[1] ?? "",
  };
}

let su: string;
let socket: TestSocket;

/** The next realtime event for record `id` (events of other records are skipped), or a timeout error. */
async function nextEventFor(id: string): Promise<Msg> {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    const msg = await Promise.race([
      socket.next(),
      new Promise<Msg>((resolve) => setTimeout(() => resolve(null), deadline - Date.now())),
    ]);
    if (msg?.type === "event" && msg.record?.id === id) return msg;
  }
  throw new Error(`no realtime event for ${id}`);
}

/** Reads the record as a guest twice (miss, then hit), so the next read shows whether a write bumped it. */
async function warmCache(id: string): Promise<void> {
  expect((await api(`/api/collections/users/records/${id}`)).headers.get("x-edgebase-cache")).toBe("miss");
  expect((await api(`/api/collections/users/records/${id}`)).headers.get("x-edgebase-cache")).toBe("hit");
}

async function guestView(id: string): Promise<{ cache: string | null; body: Json }> {
  const res = await api(`/api/collections/users/records/${id}`);
  expect(res.status).toBe(200);
  return { cache: res.headers.get("x-edgebase-cache"), body: await res.json() };
}

beforeAll(async () => {
  await createSuperuser("root@example.com");
  su = (await signIn("root@example.com", "_superusers")).token;
  const res = await authed(su, "/api/collections/users", {
    method: "PATCH",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ viewRule: "", otp: { enabled: true, duration: 180, length: 8 } }),
  });
  expect(res.status).toBe(200);
  const ws = await api("/api/realtime/ws?collection=users", {
    headers: { upgrade: "websocket", authorization: su },
  });
  expect(ws.status).toBe(101);
  socket = new TestSocket(ws.webSocket as WebSocket);
  expect(await socket.subscribe("users/*")).toMatchObject({ type: "subscribed" });
});

beforeEach(() => clearDevOutbox());

describe("auth flows emit change events", () => {
  it("confirm-verification: realtime update with verified, read cache bumped", async () => {
    const id = await signUp("ver@example.com");
    expect((await nextEventFor(id)).action).toBe("create");
    await warmCache(id);
    expect((await post("request-verification", { email: "ver@example.com" })).status).toBe(204);
    expect((await post("confirm-verification", { token: lastMailTo("ver@example.com").token })).status).toBe(
      204,
    );
    expect(await nextEventFor(id)).toMatchObject({ action: "update", record: { id, verified: true } });
    expect(await guestView(id)).toMatchObject({ cache: "miss", body: { verified: true } });
  });

  it("OTP sign-in proving the address: realtime update with verified, read cache bumped", async () => {
    const id = await signUp("otp@example.com");
    expect((await nextEventFor(id)).action).toBe("create");
    await warmCache(id);
    const requested = await post("request-otp", { email: "otp@example.com" });
    expect(requested.status).toBe(200);
    const { otpId } = (await requested.json()) as Json;
    const signed = await post("auth-with-otp", { otpId, password: lastMailTo("otp@example.com").code });
    expect(signed.status).toBe(200);
    expect(await nextEventFor(id)).toMatchObject({ action: "update", record: { id, verified: true } });
    expect(await guestView(id)).toMatchObject({ cache: "miss", body: { verified: true } });
  });

  it("confirm-password-reset: realtime update, read cache bumped", async () => {
    const id = await signUp("reset@example.com");
    expect((await nextEventFor(id)).action).toBe("create");
    await warmCache(id);
    const before = (await guestView(id)).body;
    expect((await post("request-password-reset", { email: "reset@example.com" })).status).toBe(204);
    const reset = await post("confirm-password-reset", {
      token: lastMailTo("reset@example.com").token,
      password: "another password",
      passwordConfirm: "another password",
    });
    expect(reset.status).toBe(204);
    const event = await nextEventFor(id);
    expect(event).toMatchObject({ action: "update", record: { id, verified: true } });
    expect(event.record.updated).not.toBe(before.updated);
    expect(await guestView(id)).toMatchObject({ cache: "miss", body: { verified: true } });
    expect((await signIn("reset@example.com", "users", "another password")).record.id).toBe(id);
  });

  it("confirm-email-change: realtime update with the new email, read cache bumped", async () => {
    const id = await signUp("old@example.com");
    expect((await nextEventFor(id)).action).toBe("create");
    const { token } = await signIn("old@example.com");
    await warmCache(id);
    const before = (await guestView(id)).body;
    const asked = await post(
      "request-email-change",
      { newEmail: "new@example.com" },
      { authorization: token },
    );
    expect(asked.status).toBe(204);
    const confirmed = await post("confirm-email-change", {
      token: lastMailTo("new@example.com").token,
      password: PASSWORD,
    });
    expect(confirmed.status).toBe(204);
    expect(await nextEventFor(id)).toMatchObject({
      action: "update",
      record: { id, email: "new@example.com", verified: true },
    });
    const after = await guestView(id);
    expect(after.cache).toBe("miss");
    expect(after.body.updated).not.toBe(before.updated);
  });
});
