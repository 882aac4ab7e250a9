import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { readDevOutbox } from "../../src/auth/mailer";
import { SMTP_USER } from "../global-setup/smtp";
import { call, type Json, superuserToken, userToken } from "./helpers";
import { inbox, resetMail, smtpSettings } from "./mail-helpers";

const PATH = "/api/settings/test/email";
let admin: string;

beforeAll(async () => {
  admin = await superuserToken();
});

beforeEach(async () => {
  await resetMail(admin, { meta: { appName: "Acme", appURL: "https://acme.test" } });
});

describe("test email", () => {
  it("is for superusers only", async () => {
    const body = { email: "a@example.com", template: "otp" };
    expect((await call("POST", PATH, null, body)).status).toBe(401);
    expect((await call("POST", PATH, await userToken(), body)).status).toBe(403);
    expect(readDevOutbox()).toEqual([]);
  });

  it.each([
    ["verification", "Verify your Acme email", "https://acme.test/_/#/auth/confirm-verification/"],
    ["password-reset", "Reset your Acme password", "https://acme.test/_/#/auth/confirm-password-reset/"],
    [
      "email-change",
      "Confirm your Acme new email address",
      "https://acme.test/_/#/auth/confirm-email-change/",
    ],
    ["otp", "OTP for Acme", "123456"],
    ["login-alert", "New sign-in to your Acme account", "TEST_IP TEST_USER_AGENT"],
  ])("sends the %s template (dev outbox) and answers 204", async (template, subject, inText) => {
    const res = await call("POST", PATH, admin, { email: "ops@example.com", template, collection: "users" });
    expect(res.status).toBe(204);
    const [mail, ...rest] = readDevOutbox();
    expect(rest).toEqual([]);
    expect(mail?.to).toBe("ops@example.com");
    expect(mail?.subject).toBe(subject);
    expect(mail?.text).toContain(inText);
  });

  it("uses the collection's own template, with placeholders filled", async () => {
    const template = { subject: "Hi {RECORD:name} from {APP_NAME}", body: "<p>{APP_URL} {TOKEN}</p>" };
    const saved = await call("PATCH", "/api/collections/users", admin, { verificationTemplate: template });
    expect(saved.status).toBe(200);
    try {
      const res = await call("POST", PATH, admin, {
        email: "tpl@example.com",
        template: "verification",
        collection: "users",
      });
      expect(res.status).toBe(204);
      const [mail] = readDevOutbox();
      expect(mail?.subject).toBe("Hi __test_name__ from Acme");
      expect(mail?.text).toContain("https://acme.test __edgebase_test_token__");
    } finally {
      await call("PATCH", "/api/collections/users", admin, { verificationTemplate: null });
    }
  });

  it("defaults to the _superusers collection", async () => {
    const res = await call("POST", PATH, admin, { email: "root@example.com", template: "verification" });
    expect(res.status).toBe(204);
    expect(readDevOutbox().map((m) => m.to)).toEqual(["root@example.com"]);
  });

  it.each([
    [{}, ["email", "template"]],
    [{ email: "not-an-email", template: "otp" }, ["email"]],
    [{ email: "a@example.com\r\nBcc: x@example.com", template: "otp" }, ["email"]],
    [{ email: `${"a".repeat(400)}@example.com`, template: "otp" }, ["email"]],
    [{ email: "a@example.com", template: "welcome" }, ["template"]],
    [{ email: "a@example.com", template: "otp", collection: "nope" }, ["collection"]],
    [{ email: "a@example.com", template: "otp", collection: "x".repeat(300) }, ["collection"]],
    [{ email: 7, template: ["otp"] }, ["email", "template"]],
  ])("refuses %j with a 400 naming %j, sending nothing", async (body, fields) => {
    const res = await call("POST", PATH, admin, body);
    expect(res.status).toBe(400);
    const json = (await res.json()) as Json;
    expect(Object.keys(json.data as Json).sort()).toEqual(fields);
    expect(readDevOutbox()).toEqual([]);
  });

  it("refuses a collection that is not an auth collection", async () => {
    const base = await call("POST", "/api/collections", admin, {
      name: `testmail_base_${Date.now()}`,
      type: "base",
      fields: [{ name: "title", type: "text" }],
    });
    expect(base.status).toBe(200);
    const { name } = (await base.json()) as { name: string };
    const res = await call("POST", PATH, admin, {
      email: "a@example.com",
      template: "otp",
      collection: name,
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as Json).data).toEqual({
      collection: {
        code: "validation_invalid_auth_collection",
        message: "Must be a valid auth collection id or name.",
      },
    });
  });

  it("goes over SMTP when configured, at once", async () => {
    expect((await call("PATCH", "/api/settings", admin, { smtp: smtpSettings() })).status).toBe(200);
    const res = await call("POST", PATH, admin, {
      email: "smtp-test@example.com",
      template: "password-reset",
    });
    expect(res.status).toBe(204);
    // Sent before the answer, not after: the message is already there.
    const mails = (await inbox()).filter((m) => m.to === "smtp-test@example.com");
    expect(mails).toHaveLength(1);
    expect(mails[0]?.subject).toBe("Reset your Acme password");
    expect(readDevOutbox()).toEqual([]);
  });

  it("a transport failure is a 400 that names no host or account", async () => {
    await call("PATCH", "/api/settings", admin, { smtp: smtpSettings({ password: "wrong-password" }) });
    const res = await call("POST", PATH, admin, { email: "smtp-fail@example.com", template: "otp" });
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(JSON.parse(text)).toMatchObject({ status: 400, message: "Failed to send the test email." });
    expect(text).not.toContain("127.0.0.1");
    expect(text).not.toContain(SMTP_USER.username);
    expect(await inbox()).toEqual([]);
  });
});
