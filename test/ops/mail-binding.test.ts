/** Mail through the Worker's `EMAIL` send_email binding (miniflare's local Email Service), chosen in settings. */
import { env } from "cloudflare:workers";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { readDevOutbox } from "../../src/auth/mailer";
import { SETTINGS_KEY } from "../../src/ops/settings";
import { app, SUPERUSER } from "../records/harness";
import { call, type Json, superuserToken } from "./helpers";
import { inbox, resetMail, smtpSettings } from "./mail-helpers";

const TEST_EMAIL = "/api/settings/test/email";
let admin: string;

beforeAll(async () => {
  admin = await superuserToken();
});

beforeEach(async () => {
  await resetMail(admin);
});

describe("the email binding transport", () => {
  it("is off by default and served as a plain setting", async () => {
    const res = await call("GET", "/api/settings", admin);
    expect(((await res.json()) as Json).mail).toEqual({ apiUrl: "", emailBinding: false });
  });

  it("when on, sends through the binding instead of the dev outbox", async () => {
    const on = await call("PATCH", "/api/settings", admin, { mail: { emailBinding: true } });
    expect(on.status).toBe(200);
    expect(((await on.json()) as Json).mail).toMatchObject({ emailBinding: true });
    const sent = await call("POST", TEST_EMAIL, admin, { email: "ops@edgebase.test", template: "otp" });
    expect(sent.status).toBe(204);
    expect(readDevOutbox()).toEqual([]);
    // The binding refuses a recipient outside its allowed list (vitest.config.ts): the refusal proves the
    // message went to the binding, and its answer names no address.
    const refused = await call("POST", TEST_EMAIL, admin, { email: "other@example.com", template: "otp" });
    expect(refused.status).toBe(400);
    const text = await refused.text();
    expect(JSON.parse(text).message).toBe("Failed to send the test email.");
    expect(text).not.toContain("ops@edgebase.test");
    expect(readDevOutbox()).toEqual([]);
  });

  it("SMTP, when enabled, still wins over the binding", async () => {
    await call("PATCH", "/api/settings", admin, {
      mail: { emailBinding: true },
      smtp: smtpSettings(),
    });
    // Not in the binding's allowed list, so only SMTP can deliver it.
    const res = await call("POST", TEST_EMAIL, admin, { email: "smtp-wins@example.com", template: "otp" });
    expect(res.status).toBe(204);
    expect((await inbox()).map((m) => m.to)).toEqual(["smtp-wins@example.com"]);
  });

  it("cannot be turned on in a Worker without the binding", async () => {
    const res = await app.request(
      "http://edgebase.test/api/settings",
      {
        method: "PATCH",
        headers: { "content-type": "application/json", "x-test-auth": JSON.stringify(SUPERUSER) },
        body: JSON.stringify({ mail: { emailBinding: true } }),
      },
      { ...env, EMAIL: undefined },
    );
    expect(res.status).toBe(400);
    expect(((await res.json()) as Json).data).toHaveProperty(
      ["mail.emailBinding", "code"],
      "validation_invalid_value",
    );
    const stored = await env.DB.prepare("SELECT value FROM _params WHERE key = ?")
      .bind(SETTINGS_KEY)
      .first("value");
    expect(String(stored ?? "")).not.toContain("emailBinding");
  });
});
