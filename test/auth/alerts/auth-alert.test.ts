/** Auth alerts: a sign-in from a new device or network emails the user, never on the first sign-in. */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { deviceOf, networkOf } from "../../../src/auth/flows/auth-alert";
import { clearDevOutbox, readDevOutbox } from "../../../src/auth/mailer";
import { apiJson } from "../../helpers/request";
import {
  authed,
  createSuperuser,
  eventually,
  type Json,
  PASSWORD,
  signIn,
  signUp,
} from "../../http/routes/auth-helpers";

let su: string;
beforeAll(async () => {
  await createSuperuser("alerts-admin@example.com");
  su = (await signIn("alerts-admin@example.com", "_superusers")).token;
});

function setAlert(authAlert: unknown) {
  return authed(su, "/api/collections/users", {
    method: "PATCH",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ authAlert }),
  });
}

async function signInFrom(email: string, ip: string, userAgent: string): Promise<void> {
  const res = await apiJson(
    "POST",
    "/api/collections/users/auth-with-password",
    { identity: email, password: PASSWORD },
    { "cf-connecting-ip": ip, "user-agent": userAgent },
  );
  expect(res.status).toBe(200);
}

const alertsTo = (to: string) =>
  readDevOutbox().filter((m) => m.to === to && /sign-in|Alert/i.test(m.subject));

async function originCount(email: string): Promise<number> {
  const row = await env.DB.prepare(
    "SELECT COUNT(*) AS n FROM _authOrigins WHERE recordRef = (SELECT id FROM users WHERE email = ?)",
  )
    .bind(email)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

const FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0";
const FIREFOX_NEXT = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0";
const SAFARI = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Safari/604.1";

describe("origin fingerprint parts", () => {
  it.each([
    ["198.51.100.23", "198.51.100.0/24"],
    ["2001:db8:abcd:12::1", "2001:db8:abcd::/48"],
    ["2001:DB8::1", "2001:db8:0::/48"],
    ["", "unknown"],
    ["not-an-ip", "unknown"],
  ])("network of %s is %s", (ip, network) => {
    expect(networkOf(ip)).toBe(network);
  });

  it("ignores browser versions", () => {
    expect(deviceOf(FIREFOX)).toBe(deviceOf(FIREFOX_NEXT));
    expect(deviceOf(FIREFOX)).not.toBe(deviceOf(SAFARI));
  });
});

describe("auth alerts", () => {
  it("can be enabled with a template, which the API returns", async () => {
    const res = await setAlert({
      enabled: true,
      emailTemplate: { subject: "Alert for {RECORD:email}", body: "<p>New sign-in: {ALERT_INFO}</p>" },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Json).authAlert).toEqual({
      enabled: true,
      emailTemplate: { subject: "Alert for {RECORD:email}", body: "<p>New sign-in: {ALERT_INFO}</p>" },
    });
  });

  it("stays quiet on the first sign-in and a known origin, alerts once for a new one", async () => {
    clearDevOutbox();
    const email = "alert-a@example.com";
    await signUp(email);
    await signInFrom(email, "198.51.100.10", FIREFOX);
    expect(await eventually(async () => (await originCount(email)) === 1)).toBe(true);
    await signInFrom(email, "198.51.100.77", FIREFOX_NEXT);
    await signInFrom(email, "203.0.113.5", `<script>${SAFARI}`);
    expect(await eventually(async () => alertsTo(email).length === 1)).toBe(true);
    await signInFrom(email, "203.0.113.9", `<script>${SAFARI}`);
    expect(await eventually(async () => (await originCount(email)) === 2)).toBe(true);
    const alerts = alertsTo(email);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.subject).toBe(`Alert for ${email}`);
    expect(alerts[0]?.html).toBe(`<p>New sign-in: &lt;script&gt;${SAFARI}, IP 203.0.113.5</p>`);
  });

  it("stores only keyed fingerprints, never the address or the user agent", async () => {
    const rows = await env.DB.prepare(
      "SELECT fingerprint FROM _authOrigins WHERE recordRef = (SELECT id FROM users WHERE email = ?)",
    )
      .bind("alert-a@example.com")
      .all<{ fingerprint: string }>();
    for (const row of rows.results) expect(row.fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });

  it("uses the built-in wording without a template", async () => {
    expect((await setAlert({ enabled: true })).status).toBe(200);
    clearDevOutbox();
    const email = "alert-b@example.com";
    await signUp(email);
    await signInFrom(email, "198.51.100.10", FIREFOX);
    expect(await eventually(async () => (await originCount(email)) === 1)).toBe(true);
    await signInFrom(email, "192.0.2.1", SAFARI);
    expect(await eventually(async () => readDevOutbox().some((m) => m.to === email))).toBe(true);
    const mail = readDevOutbox().find((m) => m.to === email);
    expect(mail?.subject).toBe("New sign-in to your Edgebase account");
    expect(mail?.text).toContain(`${SAFARI}, IP 192.0.2.1`);
  });

  it("neither records nor alerts while disabled", async () => {
    expect((await setAlert({ enabled: false })).status).toBe(200);
    clearDevOutbox();
    const email = "alert-c@example.com";
    await signUp(email);
    await signInFrom(email, "198.51.100.10", FIREFOX);
    await signInFrom(email, "192.0.2.1", SAFARI);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await originCount(email)).toBe(0);
    expect(readDevOutbox().filter((m) => m.to === email)).toEqual([]);
  });

  it("refuses a bad alert template", async () => {
    const res = await setAlert({ enabled: true, emailTemplate: { subject: "", body: "x" } });
    expect(res.status).toBe(400);
    expect(Object.keys(((await res.json()) as Json).data)).toEqual(["authAlert.emailTemplate.subject"]);
  });
});
