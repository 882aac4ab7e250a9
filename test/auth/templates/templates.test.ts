/** Per-collection email templates: rendering (pure) and the emails the auth flows send with them (dev outbox). */
import { beforeAll, describe, expect, it } from "vitest";
import { htmlToText, renderTemplate } from "../../../src/auth/mail-templates";
import { clearDevOutbox, readDevOutbox } from "../../../src/auth/mailer";
import type { Field } from "../../../src/collections/fields";
import { apiJson } from "../../helpers/request";
import {
  authed,
  createSuperuser,
  eventually,
  freshIp,
  type Json,
  signIn,
  signUp,
} from "../../http/routes/auth-helpers";

const fields = [
  { name: "name", hidden: false },
  { name: "secretNote", hidden: true },
] as unknown as Field[];

describe("renderTemplate", () => {
  it("fills placeholders, escaping values in the body and keeping the subject on one line", () => {
    const mail = renderTemplate(
      {
        subject: "Hi {RECORD:name} from {APP_NAME}",
        body: '<p>Hello {RECORD:name}</p><a href="{APP_URL}/v/{TOKEN}">go</a> {RECORD:secretNote} {OTP}',
      },
      "a@example.com",
      {
        appName: "Acme & Co",
        appUrl: "https://acme.test/",
        token: "t.o.k",
        record: { name: '<b>Eve</b>\r\nBcc: x@evil.test "q"', secretNote: "hush" },
      },
      fields,
    );
    expect(mail.subject).toBe('Hi <b>Eve</b> Bcc: x@evil.test "q" from Acme & Co');
    expect(mail.html).toBe(
      '<p>Hello &lt;b&gt;Eve&lt;/b&gt;\r\nBcc: x@evil.test &quot;q&quot;</p><a href="https://acme.test/v/t.o.k">go</a> {RECORD:secretNote} {OTP}',
    );
    expect(mail.text).toContain("go (https://acme.test/v/t.o.k)");
  });

  it("never expands a placeholder found inside a value", () => {
    const mail = renderTemplate(
      { subject: "s", body: "{RECORD:name}|{TOKEN}" },
      "a@example.com",
      { appName: "A", appUrl: "", token: "T", record: { name: "{TOKEN}" } },
      fields,
    );
    expect(mail.html).toBe("{TOKEN}|T");
  });

  it("turns HTML into readable text", () => {
    expect(htmlToText("<p>a &amp; b</p><p>c<br>d</p><style>x{}</style>")).toBe("a & b\nc\nd");
  });
});

let su: string;
beforeAll(async () => {
  await createSuperuser("templates-admin@example.com");
  su = (await signIn("templates-admin@example.com", "_superusers")).token;
});

function patchUsers(body: unknown) {
  return authed(su, "/api/collections/users", {
    method: "PATCH",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

const post = (path: string, body: unknown) =>
  apiJson("POST", `/api/collections/users/${path}`, body, { "cf-connecting-ip": freshIp() });

describe("templates through the collections API and the auth flows", () => {
  it("stores templates in PocketBase's shape and returns them", async () => {
    const res = await patchUsers({
      verificationTemplate: { subject: "Verify {APP_NAME}", body: "<p>{RECORD:name}: {TOKEN}</p>" },
      resetPasswordTemplate: { subject: "Reset", body: '<a href="{APP_URL}/r/{TOKEN}">reset</a>' },
      confirmEmailChangeTemplate: { subject: "Change", body: "<p>change {TOKEN}</p>" },
      otp: {
        enabled: true,
        duration: 180,
        length: 6,
        emailTemplate: { subject: "Code", body: "<b>{OTP}</b>" },
      },
    });
    expect(res.status).toBe(200);
    const users = (await res.json()) as Json;
    expect(users.verificationTemplate).toEqual({
      subject: "Verify {APP_NAME}",
      body: "<p>{RECORD:name}: {TOKEN}</p>",
    });
    expect(users.otp.emailTemplate).toEqual({ subject: "Code", body: "<b>{OTP}</b>" });
    const again = (await (await authed(su, "/api/collections/users")).json()) as Json;
    expect(again.resetPasswordTemplate.subject).toBe("Reset");
  });

  it.each([
    ["verificationTemplate.subject", { verificationTemplate: { subject: "a\nBcc: x", body: "b" } }],
    ["verificationTemplate.body", { verificationTemplate: { subject: "a", body: "" } }],
    ["resetPasswordTemplate.body", { resetPasswordTemplate: { subject: "a", body: "x".repeat(50_001) } }],
    ["resetPasswordTemplate.subject", { resetPasswordTemplate: { subject: 5, body: "b" } }],
  ])("refuses a bad template at %s", async (path, body) => {
    const res = await patchUsers(body);
    expect(res.status).toBe(400);
    const json = (await res.json()) as Json;
    expect(json.status).toBe(400);
    expect(Object.keys(json.data)).toContain(path);
  });

  it("sends the verification, reset and OTP emails from the templates, values escaped", async () => {
    clearDevOutbox();
    await signUp("tpl@example.com", { name: "<i>Tom</i>" });
    expect((await post("request-verification", { email: "tpl@example.com" })).status).toBe(204);
    expect((await post("request-password-reset", { email: "tpl@example.com" })).status).toBe(204);
    const otp = await post("request-otp", { email: "tpl@example.com" });
    expect(otp.status).toBe(200);
    expect(await eventually(async () => readDevOutbox().length === 3)).toBe(true);
    const [verify, reset, code] = readDevOutbox();
    expect(verify?.subject).toBe("Verify Edgebase");
    expect(verify?.html).toMatch(/^<p>&lt;i&gt;Tom&lt;\/i&gt;: [\w-]+\.[\w-]+\.[\w-]+<\/p>$/);
    expect(reset?.html).toMatch(/^<a href="http:\/\/edgebase\.test\/r\/[\w.-]+">reset<\/a>$/);
    expect(code?.subject).toBe("Code");
    expect(code?.html).toMatch(/^<b>[0-9]{6}<\/b>$/);
    expect(code?.text).toMatch(/^[0-9]{6}$/);
  });

  it("goes back to the built-in email when a template is cleared with null", async () => {
    expect((await patchUsers({ verificationTemplate: null })).status).toBe(200);
    const users = (await (await authed(su, "/api/collections/users")).json()) as Json;
    expect(users.verificationTemplate).toBeUndefined();
    clearDevOutbox();
    await signUp("tpl2@example.com");
    expect((await post("request-verification", { email: "tpl2@example.com" })).status).toBe(204);
    expect(await eventually(async () => readDevOutbox().length === 1)).toBe(true);
    expect(readDevOutbox()[0]?.subject).toBe("Verify your Edgebase email");
  });
});
