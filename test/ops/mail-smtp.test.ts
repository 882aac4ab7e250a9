import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { readDevOutbox } from "../../src/auth/mailer";
import type { InboxMessage } from "../global-setup/smtp";
import { SMTP_USER } from "../global-setup/smtp";
import { apiJson } from "../helpers/request";
import { freshIp, signUp } from "../http/routes/auth-helpers";
import { call, type Json, superuserToken } from "./helpers";
import { inbox, resetMail, smtpSettings } from "./mail-helpers";

let admin: string;

/** Waits until a message to `to` arrives (mail is sent after the response), or fails. */
async function receive(to: string): Promise<InboxMessage> {
  for (let i = 0; i < 100; i++) {
    const found = (await inbox()).find((m) => m.to === to);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no mail to ${to}`);
}

async function requestReset(email: string): Promise<number> {
  const res = await apiJson(
    "POST",
    "/api/collections/users/request-password-reset",
    { email },
    { "cf-connecting-ip": freshIp() },
  );
  return res.status;
}

beforeAll(async () => {
  admin = await superuserToken();
});

beforeEach(async () => {
  await resetMail(admin);
});

describe("smtp settings", () => {
  it("serves PocketBase's smtp section without the password", async () => {
    const body = (await (await call("GET", "/api/settings", admin)).json()) as Json;
    expect(body.smtp).toEqual({
      enabled: false,
      host: "smtp.example.com",
      port: 587,
      username: "",
      authMethod: "PLAIN",
      tls: false,
      localName: "",
    });
    const patched = await call("PATCH", "/api/settings", admin, { smtp: smtpSettings() });
    expect(patched.status).toBe(200);
    const served = ((await patched.json()) as Json).smtp;
    expect(served).not.toHaveProperty("password");
    expect(JSON.stringify(served)).not.toContain(SMTP_USER.password);
  });

  it.each([
    [{ port: 0 }, "smtp.port"],
    [{ port: "25" }, "smtp.port"],
    [{ authMethod: "CRAM-MD5" }, "smtp.authMethod"],
    [{ localName: "mail.example.com" }, "smtp.localName"],
    [{ host: "h".repeat(300) }, "smtp.host"],
    [{ relay: true }, "smtp"],
  ])("refuses %j with an error at %s", async (patch, path) => {
    const res = await call("PATCH", "/api/settings", admin, { smtp: smtpSettings(patch) });
    expect(res.status).toBe(400);
    const data = ((await res.json()) as Json).data;
    expect(Object.keys(data)).toContain(path);
    expect(data[path].code).toMatch(/^validation_/);
  });
});

describe("sending over SMTP", () => {
  it("delivers auth emails through the configured server, not the dev outbox", async () => {
    await call("PATCH", "/api/settings", admin, {
      meta: { appName: "Acme", senderName: "Acme Team", senderAddress: "hi@acme.test" },
      smtp: smtpSettings(),
    });
    const email = `smtp-${Date.now()}@example.com`;
    await signUp(email);
    expect(await requestReset(email)).toBe(204);
    const mail = await receive(email);
    expect(mail.user).toBe(SMTP_USER.username);
    expect(mail.from).toBe('"Acme Team" <hi@acme.test>');
    expect(mail.subject).toContain("Acme");
    expect(mail.text).toMatch(/confirm-password-reset\/[\w.-]+/);
    expect(readDevOutbox().filter((m) => m.to === email)).toEqual([]);
  });

  it("signs in with AUTH LOGIN, and keeps the stored password when a PATCH omits it", async () => {
    await call("PATCH", "/api/settings", admin, { smtp: smtpSettings() });
    const res = await call("PATCH", "/api/settings", admin, {
      smtp: { authMethod: "LOGIN", password: "" },
    });
    expect(res.status).toBe(200);
    const email = `smtp-login-${Date.now()}@example.com`;
    await signUp(email);
    expect(await requestReset(email)).toBe(204);
    expect((await receive(email)).user).toBe(SMTP_USER.username);
  });

  it("a refused login sends nothing and still answers 204 (no account oracle)", async () => {
    await call("PATCH", "/api/settings", admin, { smtp: smtpSettings({ password: "wrong" }) });
    const email = `smtp-refused-${Date.now()}@example.com`;
    await signUp(email);
    expect(await requestReset(email)).toBe(204);
    await new Promise((r) => setTimeout(r, 500));
    expect((await inbox()).filter((m) => m.to === email)).toEqual([]);
  });
});
