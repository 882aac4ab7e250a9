/**
 * The dashboard's sign-in with MFA in a real Chromium against a real `wrangler dev`: the superuser enrols an
 * authenticator app and a passkey on the Account security page (Chromium's virtual authenticator through CDP:
 * ctap2, internal, resident keys, user verification), then, with MFA on for superusers, signs in with the
 * password and an emailed code, the password and an authenticator code (computed here, RFC 6238), the password
 * and the passkey, the passkey alone followed by a recovery code, an emailed code alone followed by the passkey,
 * and (with `totp.standalone`) an authenticator code alone followed by the password. axe-core runs on each page;
 * every step saves a screenshot to test/e2e/screenshots/.
 */
import type { Browser, CDPSession, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { totpAt } from "../auth/totp/rfc6238";
import {
  callJson,
  type DevServer,
  type JsonAnswer,
  startDevServer,
  superuserToken,
} from "../helpers/dev-server.node";
import { expectAccessible as expectAccessibleAt, launchBrowser } from "./browser";
import { type MailSink, startMailSink } from "./mail-sink";

let server: DevServer;
let sink: MailSink;
let browser: Browser;
let page: Page;
let cdp: CDPSession;
/** Chromium's virtual authenticator (CDP WebAuthn domain). */
let authenticatorId = "";
let token: string;
/** The dashboard's origin: `localhost`, since WebAuthn refuses an IP address as the relying party id. */
let origin: string;
let secret = "";
let recoveryCodes: string[] = [];

// biome-ignore lint/suspicious/noExplicitAny: JSON bodies from the API.
type Json = any;

function api(method: string, path: string, body?: unknown): Promise<JsonAnswer> {
  return callJson(server, token, method, path, body);
}

function expectAccessible(name: string): Promise<void> {
  return expectAccessibleAt(page, name);
}

async function signInWithPassword(): Promise<void> {
  await page.goto(`${origin}/_/`);
  await page.getByLabel("Email").fill(server.email);
  await page.getByLabel("Password").fill(server.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

async function signOut(): Promise<void> {
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("heading", { name: "Edgebase" }).waitFor();
}

const welcome = () => page.getByRole("heading", { name: "Welcome" }).waitFor();
/** Signed in, on whatever page the hash names (the shell's header is on every one). */
const signedIn = () => page.getByRole("button", { name: "Sign out" }).waitFor();
const secondStep = () => page.getByRole("heading", { name: "Second step" }).waitFor();

beforeAll(async () => {
  sink = await startMailSink();
  server = await startDevServer({
    vars: (url) => ({ MAIL_API_URL: sink.url, APP_URL: url.replace("127.0.0.1", "localhost") }),
  });
  origin = server.url.replace("127.0.0.1", "localhost");
  token = await superuserToken(server);
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  ({ authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  }));
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await sink?.stop();
});

describe("dashboard MFA sign-in", () => {
  it("enrols an authenticator app on the Account security page and shows 10 recovery codes once", async () => {
    await signInWithPassword();
    await welcome();
    await page.getByRole("link", { name: "Account security" }).click();
    await page.getByRole("heading", { name: "Account security" }).waitFor();
    await page.getByRole("button", { name: "Set up an authenticator app" }).click();
    secret = (await page.locator("#totp-secret").textContent()) ?? "";
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(
      await page.getByRole("link", { name: "Open in an authenticator app" }).getAttribute("href"),
    ).toContain(`secret=${secret}`);
    await expectAccessible("mfa-01-totp-enrol");
    // The previous step's code: the sign-in below then uses a later step (a step is never accepted twice).
    await page.getByLabel("Code from the app").fill(await totpAt(secret, Date.now() - 30_000));
    await page.getByRole("button", { name: "Enable" }).click();
    await page.getByRole("status").filter({ hasText: "Authenticator app enabled." }).waitFor();
    await page.getByText("Enabled. 10 of 10 recovery codes left.").waitFor();
    expect(await page.getByRole("button", { name: "Set up an authenticator app" }).count()).toBe(0);
    recoveryCodes = await page
      .getByRole("list", { name: "Recovery codes" })
      .getByRole("listitem")
      .allTextContents();
    expect(recoveryCodes).toHaveLength(10);
    for (const code of recoveryCodes) expect(code).toMatch(/^[a-z0-9]{5}-[a-z0-9]{5}$/);
    await expectAccessible("mfa-02-recovery-codes");
  });

  it("registers a passkey through Chromium's virtual authenticator, listed on the page and by the API", async () => {
    await page.getByLabel("Passkey name").fill("Test laptop");
    await page.getByRole("button", { name: "Add a passkey" }).click();
    await page.getByRole("status").filter({ hasText: "Passkey added." }).waitFor();
    await page.getByRole("cell", { name: "Test laptop", exact: true }).waitFor();
    const listed = await api("GET", "/api/collections/_superusers/passkeys");
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((p: Json) => p.name)).toEqual(["Test laptop"]);
    const { credentials } = await cdp.send("WebAuthn.getCredentials", { authenticatorId });
    expect(credentials).toHaveLength(1);
    expect(credentials[0]?.isResidentCredential).toBe(true);
    expect(credentials[0]?.rpId).toBe("localhost");
    await expectAccessible("mfa-03-passkey-added");
  });

  it("turns MFA on for superusers; the password then asks for a second step, an emailed code completes it", async () => {
    const patched = await api("PATCH", "/api/collections/_superusers", {
      mfa: { enabled: true, duration: 600, rule: "" },
      otp: { enabled: true, duration: 180, length: 8 },
    });
    expect(patched.status).toBe(200);
    await signOut();
    await signInWithPassword();
    await secondStep();
    expect(await page.getByText("Your password was accepted").count()).toBe(1);
    await expectAccessible("mfa-04-second-step");
    await page.getByRole("button", { name: "Email me a code" }).click();
    const mail = await sink.waitFor(server.email);
    const code = /one-time password is: ([0-9]+)/.exec(mail.text)?.[1] ?? "";
    expect(code).toMatch(/^[0-9]{8}$/);
    await page.getByLabel("Emailed code").fill(code);
    await page.getByRole("button", { name: "Verify emailed code" }).click();
    await welcome();
    await expectAccessible("mfa-05-signed-in-otp");
  });

  it("refuses a wrong authenticator code in place, then the password and a computed TOTP code sign in", async () => {
    await signOut();
    await signInWithPassword();
    await secondStep();
    const right = await totpAt(secret, Date.now());
    await page.getByLabel("Authenticator or recovery code").fill(right === "000000" ? "111111" : "000000");
    await page.getByRole("button", { name: "Verify code" }).click();
    await page.getByRole("alert").filter({ hasText: "Invalid or expired code." }).waitFor();
    await expectAccessible("mfa-06-wrong-code");
    await page.getByLabel("Authenticator or recovery code").fill(await totpAt(secret, Date.now()));
    await page.getByRole("button", { name: "Verify code" }).click();
    await welcome();
  });

  it("signs in with the password and then the passkey", async () => {
    await signOut();
    await signInWithPassword();
    await secondStep();
    await page.getByRole("button", { name: "Use a passkey" }).click();
    await welcome();
    await expectAccessible("mfa-07-signed-in-passkey");
  });

  it("offers the passkey alone on the login page; as a first factor it then takes a recovery code", async () => {
    await signOut();
    await page.goto(`${origin}/_/`);
    await expectAccessible("mfa-08-login-with-passkey");
    await page.getByRole("button", { name: "Sign in with a passkey" }).click();
    await secondStep();
    expect(await page.getByText("Your passkey was accepted").count()).toBe(1);
    expect(await page.getByRole("button", { name: "Use a passkey" }).count()).toBe(0);
    await page.getByLabel("Authenticator or recovery code").fill(recoveryCodes[0] ?? "");
    await page.getByRole("button", { name: "Verify code" }).click();
    await welcome();
    const left = await api("GET", "/api/collections/_superusers/passkeys");
    expect(left.body.items[0].lastUsed).not.toBe("");
    await page.getByRole("link", { name: "Account security" }).click();
    await page.getByText("Enabled. 9 of 10 recovery codes left.").waitFor();
    await expectAccessible("mfa-09-account-after-recovery-code");
  });

  it("signs in with an emailed code alone as the first factor, then the passkey", async () => {
    await signOut();
    const before = sink.messages.length;
    await page.getByRole("button", { name: "Use a code sent by email" }).click();
    await page.getByLabel("Email", { exact: true }).fill(server.email);
    await page.getByRole("button", { name: "Email me a code" }).click();
    await expect.poll(() => sink.messages.slice(before).some((m) => m.to === server.email)).toBe(true);
    const mail = sink.messages.slice(before).find((m) => m.to === server.email);
    const code = /one-time password is: ([0-9]+)/.exec(mail?.text ?? "")?.[1] ?? "";
    await page.getByLabel("Emailed code").fill(code);
    await expectAccessible("mfa-10-login-otp");
    await page.getByRole("button", { name: "Verify emailed code" }).click();
    await secondStep();
    expect(await page.getByText("Your emailed code was accepted").count()).toBe(1);
    expect(await page.getByRole("button", { name: "Email me a code" }).count()).toBe(0);
    await page.getByRole("button", { name: "Use a passkey" }).click();
    await signedIn();
  });

  it("offers an authenticator code alone only with totp.standalone; as a first factor the password completes it", async () => {
    await signOut();
    expect(await page.getByRole("button", { name: "Use an authenticator code" }).count()).toBe(0);
    const patched = await api("PATCH", "/api/collections/_superusers", { totp: { standalone: true } });
    expect(patched.status).toBe(200);
    await page.goto(`${origin}/_/`);
    await page.getByRole("button", { name: "Use an authenticator code" }).click();
    await page.getByLabel("Email", { exact: true }).fill(server.email);
    // The next step's code (inside the ±1 window): the current one may have been used above.
    await page.getByLabel("Authenticator or recovery code").fill(await totpAt(secret, Date.now() + 30_000));
    await page.getByRole("button", { name: "Verify code" }).click();
    await secondStep();
    expect(await page.getByText("Your authenticator code was accepted").count()).toBe(1);
    expect(await page.getByLabel("Authenticator or recovery code").count()).toBe(0);
    await page.getByLabel("Password", { exact: true }).fill(server.password);
    await page.getByRole("button", { name: "Verify password" }).click();
    await signedIn();
  });
});
