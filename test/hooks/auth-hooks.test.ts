/** Auth hooks (before/after sign-in, before refresh) and mail hooks (change, replace, skip a message). */
import { beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { clearDevOutbox, readDevOutbox } from "../../src/auth/mailer";
import { hookApp } from "./harness";

const PASSWORD = "correct horse battery";
const receiver = inject("hookReceiver").url;
const seen: string[] = [];

const { call } = hookApp({
  hooks: [
    {
      on: "auth.beforeSignIn",
      collections: ["users"],
      run(e) {
        seen.push(`beforeSignIn ${e.method} ${String(e.record.email)}`);
        if (e.record.email === "blocked@example.com") e.refuse("This account is on hold.", 403);
        if (e.record.email === "broken@example.com") throw new Error("hook bug: api key sk_live_123");
        if ("password" in e.record || "tokenKey" in e.record) throw new Error("secrets leaked to hooks");
      },
    },
    {
      on: "auth.afterSignIn",
      async run(e) {
        await fetch(`${receiver}/signed-in`, { method: "POST", body: `${e.collection.name} ${e.record.id}` });
      },
    },
    {
      on: "auth.beforeRefresh",
      run(e) {
        seen.push(`beforeRefresh ${String(e.record.email)}`);
        if (e.record.name === "frozen") e.refuse("Refresh refused.", 401);
      },
    },
    {
      on: "mail.beforeSend",
      run(e) {
        e.message.subject = `[Acme] ${e.message.subject}`;
        e.message.text += "\n-- sent by a hook";
      },
    },
    {
      on: "mail.beforeSend",
      run(e) {
        if (e.message.to === "quiet@example.com") e.skip();
        if (e.message.to === "redirect@example.com") e.message = { ...e.message, to: "audit@example.com" };
        if (e.message.to === "evil@example.com") e.message.subject = "Injected\r\nBcc: victim@example.com";
      },
    },
  ],
});

let ip = 0;
const post = (path: string, body: unknown) =>
  call(null, "POST", `/api/collections/users/${path}`, body, { "cf-connecting-ip": `10.8.0.${++ip}` });

async function signUp(email: string, fields: Record<string, unknown> = {}): Promise<string> {
  const res = await post("records", { email, password: PASSWORD, passwordConfirm: PASSWORD, ...fields });
  if (res.status !== 200) throw new Error(`sign-up ${res.status} ${res.text}`);
  return res.body.id;
}

beforeAll(async () => {
  for (const email of ["ok@example.com", "blocked@example.com", "broken@example.com"]) await signUp(email);
  await signUp("frozen@example.com", { name: "frozen" });
  for (const email of ["quiet@example.com", "redirect@example.com", "evil@example.com", "mail@example.com"])
    await signUp(email);
});

beforeEach(async () => {
  seen.length = 0;
  clearDevOutbox();
  await fetch(`${receiver}/calls`, { method: "DELETE" });
});

describe("sign-in hooks", () => {
  it("before-sign-in sees the method and record; after-sign-in calls a real HTTP server", async () => {
    const res = await post("auth-with-password", { identity: "ok@example.com", password: PASSWORD });
    expect(res.status).toBe(200);
    expect(seen).toEqual(["beforeSignIn password ok@example.com"]);
    const calls = (await (await fetch(`${receiver}/calls`)).json()) as { path: string; body: string }[];
    expect(calls).toEqual([{ path: "/signed-in", body: `users ${res.body.record.id}` }]);
  });

  it("a refusal answers the hook's 4xx and issues no token; a throwing hook is a bare 500", async () => {
    const refused = await post("auth-with-password", { identity: "blocked@example.com", password: PASSWORD });
    expect(refused.body).toEqual({ status: 403, message: "This account is on hold.", data: {} });
    const broken = await post("auth-with-password", { identity: "broken@example.com", password: PASSWORD });
    expect(broken.status).toBe(500);
    expect(broken.text).not.toContain("sk_live");
    // A wrong password never reaches the hooks.
    expect(
      (await post("auth-with-password", { identity: "ok@example.com", password: "nope nope" })).status,
    ).toBe(400);
    expect(seen).toEqual([
      "beforeSignIn password blocked@example.com",
      "beforeSignIn password broken@example.com",
    ]);
    const calls = (await (await fetch(`${receiver}/calls`)).json()) as unknown[];
    expect(calls).toEqual([]);
  });

  it("before-refresh runs on a token refresh and may refuse it", async () => {
    const ok = await post("auth-with-password", { identity: "ok@example.com", password: PASSWORD });
    const refreshed = await post("auth-refresh", { refreshToken: ok.body.refreshToken });
    expect(refreshed.status).toBe(200);
    expect(typeof refreshed.body.token).toBe("string");
    const frozen = await post("auth-with-password", { identity: "frozen@example.com", password: PASSWORD });
    const refused = await post("auth-refresh", { refreshToken: frozen.body.refreshToken });
    expect(refused.body).toEqual({ status: 401, message: "Refresh refused.", data: {} });
    expect(seen.filter((s) => s.startsWith("beforeRefresh"))).toEqual([
      "beforeRefresh ok@example.com",
      "beforeRefresh frozen@example.com",
    ]);
  });
});

describe("mail hooks", () => {
  it("change a message before it is sent", async () => {
    expect((await post("request-verification", { email: "mail@example.com" })).status).toBe(204);
    const [mail] = readDevOutbox();
    expect(mail?.to).toBe("mail@example.com");
    expect(mail?.subject.startsWith("[Acme] ")).toBe(true);
    expect(mail?.text.endsWith("\n-- sent by a hook")).toBe(true);
  });

  it("replace or skip a message; the transport still refuses a bad one", async () => {
    for (const email of ["quiet@example.com", "redirect@example.com", "evil@example.com"])
      expect((await post("request-verification", { email })).status).toBe(204);
    expect(readDevOutbox().map((m) => m.to)).toEqual(["audit@example.com"]);
  });
});
