/**
 * The dashboard's auth options and file fields in a real Chromium against a real `wrangler dev`: an OIDC
 * provider configured through the form (errors at their controls, the write-only secret kept across saves)
 * and listed by the SDK's listAuthMethods(); an email template edited, saved and test-sent to a real mail
 * API; images uploaded to a file field and shown as thumbnails, a protected one through a file token, and a
 * file removed. axe-core runs on each page; screenshots go to test/e2e/screenshots/auth-options-*.png.
 */
import { crc32, deflateSync } from "node:zlib";
import type { Browser, Page } from "playwright-core";
import PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  callJson,
  type DevServer,
  fetchServer,
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
let token: string;

function api(method: string, path: string, body?: unknown): Promise<JsonAnswer> {
  return callJson(server, token, method, path, body);
}

function expectAccessible(name: string): Promise<void> {
  return expectAccessibleAt(page, `auth-options-${name}`);
}

/** A real RGB PNG of `width`×`height` (a diagonal gradient), encoded here with zlib. */
function png(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, "ascii");
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
    return Buffer.concat([head, data, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      raw.set([(x * 255) / width, (y * 255) / height, 120], y * (width * 3 + 1) + 1 + x * 3);
    }
  }
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** The natural width of the image with this alt text once it has loaded (0 when it failed). */
/** What the test reads of an <img> (the Node-side types know no DOM). */
type Img = { complete: boolean; naturalWidth: number };

async function loadedWidth(alt: string): Promise<number> {
  const img = page.getByRole("img", { name: alt });
  await img.waitFor();
  await expect.poll(() => img.evaluate((el) => (el as unknown as Img).complete)).toBe(true);
  return img.evaluate((el) => (el as unknown as Img).naturalWidth);
}

beforeAll(async () => {
  sink = await startMailSink();
  server = await startDevServer({ vars: (url) => ({ MAIL_API_URL: sink.url, APP_URL: url }) });
  token = await superuserToken(server);
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on("dialog", (d) => d.accept());
  await page.goto(`${server.url}/_/`);
  await page.getByLabel("Email").fill(server.email);
  await page.getByLabel("Password").fill(server.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Welcome" }).waitFor();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await sink?.stop();
});

async function openUsersSettings(): Promise<void> {
  await page.goto(`${server.url}/_/#/collections/users/settings`);
  await page.getByRole("heading", { name: "Collection users" }).waitFor();
}

async function saveSettings(): Promise<void> {
  await page.getByRole("button", { name: "Save changes" }).click();
  await page.getByRole("status").filter({ hasText: "Saved." }).waitFor();
}

describe("auth options", () => {
  it("configures an OIDC provider: errors at their controls, then listed by listAuthMethods()", async () => {
    await openUsersSettings();
    await page.getByRole("checkbox", { name: "Sign in with OAuth2 providers" }).check();
    await page.locator("#oauth2-add option[value=oidc]").waitFor({ state: "attached" });
    await page.getByLabel("Provider to add").selectOption("oidc");
    await page.getByRole("button", { name: "Add provider" }).click();
    await page.locator("#oauth2-oidc-clientId").fill("edgebase-dashboard");
    await page.getByRole("button", { name: "Save changes" }).click();
    // The API's messages land under the secret and the required endpoints, not only in the banner.
    await page.locator("#oauth2-oidc-clientSecret-error").waitFor();
    expect(await page.locator("#oauth2-oidc-clientSecret-error").textContent()).toContain("Cannot be blank");
    expect(await page.locator("#oauth2-oidc-authURL-error").textContent()).toContain("Cannot be blank");
    expect(await page.locator("#oauth2-oidc-tokenURL-error").textContent()).toContain("Cannot be blank");
    expect(await page.locator("#oauth2-oidc-userInfoURL-error").count()).toBe(0);
    await expectAccessible("01-oidc-errors");
    expect((await api("GET", "/api/collections/users")).body.oauth2.enabled).toBe(false);

    await page.locator("#oauth2-oidc-displayName").fill("Company ID");
    await page.locator("#oauth2-oidc-clientSecret").fill("s3cret-value");
    await page.locator("#oauth2-oidc-authURL").fill("https://id.example.com/authorize");
    await page.locator("#oauth2-oidc-tokenURL").fill("https://id.example.com/token");
    await page.locator("#oauth2-oidc-userInfoURL").fill("https://id.example.com/userinfo");
    await page.locator("#oauth2-oidc-pkce").selectOption("false");
    await page.getByLabel("name", { exact: true }).selectOption("name");
    await page.getByLabel("avatarURL", { exact: true }).selectOption("avatar");
    await saveSettings();

    const users = await api("GET", "/api/collections/users");
    expect(users.body.oauth2).toMatchObject({
      enabled: true,
      mappedFields: { id: "", name: "name", username: "", avatarURL: "avatar" },
    });
    expect(users.body.oauth2.providers).toHaveLength(1);
    expect(users.body.oauth2.providers[0]).toMatchObject({
      name: "oidc",
      clientId: "edgebase-dashboard",
      pkce: false,
    });
    expect(JSON.stringify(users.body)).not.toContain("s3cret-value");

    const listed = async () =>
      (await new PocketBase(server.url).collection("users").listAuthMethods()).oauth2;
    const first = await listed();
    expect(first.enabled).toBe(true);
    expect(first.providers.map((p) => [p.name, p.displayName])).toEqual([["oidc", "Company ID"]]);
    expect(first.providers[0]?.authURL).toMatch(
      /^https:\/\/id\.example\.com\/authorize\?.*client_id=edgebase-dashboard/,
    );
    expect(first.providers[0]?.codeChallenge).toBe("");

    // Saved, the typed secret is gone from the form and shows as set; reloaded, it is never echoed either.
    await page.getByText("(set)").waitFor();
    expect(await page.locator("#oauth2-oidc-clientSecret").inputValue()).toBe("");
    await page.reload();
    await page.getByRole("heading", { name: "Collection users" }).waitFor();
    await page.getByText("(set)").waitFor();
    expect(await page.locator("#oauth2-oidc-clientSecret").inputValue()).toBe("");
    expect(await page.content()).not.toContain("s3cret-value");
    await expectAccessible("02-oidc-saved");
    await page.locator("#oauth2-oidc-displayName").fill("Company SSO");
    await saveSettings();
    expect((await listed()).providers.map((p) => p.displayName)).toEqual(["Company SSO"]);
  });

  it("edits the verification template, shows the API's error in place, saves it and sends a test email", async () => {
    await openUsersSettings();
    await page.getByText("Verification (built-in)").click();
    await page.getByLabel("Verification subject").fill("Confirm your {APP_NAME} account");
    await page.getByRole("button", { name: "Save changes" }).click();
    // A subject without a body: the API refuses it (the whole save), the message sits under the body.
    await page.locator("#tpl-verificationTemplate-body-error").waitFor();
    expect((await api("GET", "/api/collections/users")).body.verificationTemplate ?? null).toBeNull();

    await page
      .getByLabel("Verification body (HTML)")
      .fill(
        '<p>Hello {RECORD:email}, <a href="{APP_URL}/_/#/auth/confirm-verification/{TOKEN}">verify</a>.</p>',
      );
    await saveSettings();
    const users = await api("GET", "/api/collections/users");
    expect(users.body.verificationTemplate).toEqual({
      subject: "Confirm your {APP_NAME} account",
      body: '<p>Hello {RECORD:email}, <a href="{APP_URL}/_/#/auth/confirm-verification/{TOKEN}">verify</a>.</p>',
    });
    expect(users.body.oauth2.providers).toHaveLength(1);

    await page.getByLabel("Send test emails to").fill("tester@example.com");
    await expectAccessible("03-template");
    await page.getByRole("button", { name: "Send test verification email" }).click();
    await page.getByRole("status").filter({ hasText: "Test email sent to tester@example.com." }).waitFor();
    const mail = await sink.waitFor("tester@example.com");
    expect(mail.subject).toMatch(/^Confirm your .+ account$/);
    expect(mail.subject).not.toContain("{APP_NAME}");
    expect(mail.html).toContain("/_/#/auth/confirm-verification/");
  });
});

describe("file fields in the record editor", () => {
  beforeAll(async () => {
    const created = await api("POST", "/api/collections", {
      name: "albums",
      type: "base",
      fields: [
        { name: "title", type: "text" },
        { name: "photos", type: "file", maxSelect: 2, maxSize: 1_000_000, thumbs: ["100x100"] },
        { name: "scan", type: "file", maxSelect: 1, protected: true, thumbs: ["100x100"] },
      ],
    });
    expect(created.status).toBe(200);
  });

  it("uploads images within maxSelect, shows their thumbnails (protected through a file token), removes one", async () => {
    // The collection was made through the API: reload so the dashboard's schema has it.
    await page.goto(`${server.url}/_/#/collections/albums`);
    await page.reload();
    await page.getByRole("button", { name: "New record" }).click();
    await page.locator("#rec-title").fill("Holiday");
    await page.locator("#rec-photos").setInputFiles([
      { name: "beach.png", mimeType: "image/png", buffer: png(300, 200) },
      { name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("plain text") },
      { name: "extra.png", mimeType: "image/png", buffer: png(40, 40) },
    ]);
    // maxSelect 2: the third pick is refused in the form, before any request.
    await page.getByText("At most 2 files: 1 not added").waitFor();
    await page
      .locator("#rec-scan")
      .setInputFiles({ name: "scan.png", mimeType: "image/png", buffer: png(120, 160) });
    expect(await loadedWidth("Preview of beach.png")).toBe(300);
    await expectAccessible("04-file-picked");
    await page.getByRole("button", { name: "Create", exact: true }).click();
    await page.getByRole("row").filter({ hasText: "Holiday" }).waitFor();

    const list = await api("GET", "/api/collections/albums/records");
    const rec = list.body.items[0];
    expect(rec.photos).toHaveLength(2);
    expect(rec.photos[0]).toMatch(/^beach_\w{10}\.png$/);
    expect(rec.photos[1]).toMatch(/^notes_\w{10}\.txt$/);
    expect(rec.scan).toMatch(/^scan_\w{10}\.png$/);

    await page.getByRole("row").filter({ hasText: "Holiday" }).click();
    // Thumbnails are the API's 100x100 crops; the protected one loads only with the file token.
    expect(await loadedWidth(`Preview of ${rec.photos[0]}`)).toBe(100);
    expect(await loadedWidth(`Preview of ${rec.scan}`)).toBe(100);
    const scanSrc = await page.getByRole("img", { name: `Preview of ${rec.scan}` }).getAttribute("src");
    expect(scanSrc).toContain("token=");
    expect((await fetchServer(String(scanSrc).replace(/[?&]token=[^&]*/, ""))).status).toBe(403);
    // A non-image is a link with a file icon, no preview.
    expect(await page.getByRole("link", { name: rec.photos[1] }).count()).toBe(1);
    expect(await page.getByRole("img", { name: `Preview of ${rec.photos[1]}` }).count()).toBe(0);
    await expectAccessible("05-file-thumbnails");

    await page.getByRole("button", { name: `Remove ${rec.photos[1]}` }).click();
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect
      .poll(async () => (await api("GET", `/api/collections/albums/records/${rec.id}`)).body.photos)
      .toEqual([rec.photos[0]]);
    expect((await api("GET", `/api/collections/albums/records/${rec.id}`)).body.scan).toBe(rec.scan);
  });
});
