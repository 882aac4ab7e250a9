/**
 * The dashboard's operations pages in a real Chromium against a real `wrangler dev`: logs (table, filter,
 * detail, chart), settings (a change that survives a reload, an error in place, a test email through the mail
 * sink), backups (create, download, upload, restore with confirmation, delete), crons (run now), webhooks
 * (create with the secret shown once, a delivery, re-send) and superusers (create, edit email and password, delete, the last one refused
 * by the API). axe-core runs on every page; each step saves a screenshot to test/e2e/screenshots/.
 */
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  callJson,
  type DevServer,
  fetchServer,
  type JsonAnswer,
  startDevServer,
  superuserToken,
} from "../helpers/dev-server.node";
import { expectAccessible as expectAccessibleAt, launchBrowser, screenshot } from "./browser";
import { type MailSink, startMailSink } from "./mail-sink";

let server: DevServer;
let sink: MailSink;
let browser: Browser;
let page: Page;
let token: string;

// biome-ignore lint/suspicious/noExplicitAny: JSON bodies from the API.
type Json = any;

/** A webhook receiver: every POST is kept with its webhook-id header and answered 200. */
interface Receiver {
  url: string;
  hits: { id: string; body: Json }[];
  stop(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const hits: Receiver["hits"] = [];
  const http: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      hits.push({ id: String(req.headers["webhook-id"] ?? ""), body: JSON.parse(body || "null") });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const address = http.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    hits,
    stop: () => new Promise<void>((resolve) => http.close(() => resolve())),
  };
}

let receiver: Receiver;

function api(method: string, path: string, body?: unknown): Promise<JsonAnswer> {
  return callJson(server, token, method, path, body);
}

function expectAccessible(name: string): Promise<void> {
  return expectAccessibleAt(page, name);
}

async function openPage(label: string): Promise<void> {
  // The sidebar's System list (the settings page has links of the same names).
  await page.getByRole("list", { name: "System" }).getByRole("link", { name: label, exact: true }).click();
  await page.getByRole("heading", { name: label, exact: true, level: 1 }).waitFor();
}

beforeAll(async () => {
  sink = await startMailSink();
  receiver = await startReceiver();
  // EDGEBASE_DEV=1 (as `npm run dev` sets it) lets webhooks reach the loopback receiver.
  server = await startDevServer({
    vars: (url) => ({ MAIL_API_URL: sink.url, APP_URL: url, EDGEBASE_DEV: "1" }),
  });
  token = await superuserToken(server);
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
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
  await receiver?.stop();
});

describe("operations pages", () => {
  it("logs: a table with the filter language, a detail view and the requests-per-hour chart", async () => {
    // As a guest: superusers' own requests are left out of the page until asked for.
    for (let i = 0; i < 3; i++) expect((await fetchServer(`${server.url}/api/health`)).status).toBe(200);
    expect((await fetchServer(`${server.url}/api/collections/nosuch/records`)).status).toBe(404);
    // Logs are written after the response: wait until the 404 is stored.
    await expect
      .poll(async () => (await api("GET", "/api/logs?filter=data.status%3D404")).body.totalItems)
      .toBeGreaterThan(0);

    await openPage("Logs");
    await page.getByRole("row").filter({ hasText: "/api/health" }).first().waitFor();
    expect(await page.getByRole("row").filter({ hasText: "GET /api/settings" }).count()).toBe(0);
    await page.getByRole("checkbox", { name: /Include requests by superusers/ }).check();
    await page.getByRole("row").filter({ hasText: "GET /api/settings" }).first().waitFor();
    await page.getByRole("checkbox", { name: /Include requests by superusers/ }).uncheck();
    await expect.poll(() => page.getByRole("row").filter({ hasText: "GET /api/settings" }).count()).toBe(0);
    const chart = page.getByRole("img", { name: /Requests per hour: \d+ in this period/ });
    await chart.waitFor();
    expect(await chart.getAttribute("aria-label")).toMatch(/Requests per hour: \d+ in this period/);
    expect(await page.locator("svg rect.bar").count()).toBeGreaterThan(0);
    await expectAccessible("ops-01-logs");

    await page.locator("#logs-filter").fill("data.status = 404");
    await page.locator("#logs-filter").press("Enter");
    await expect.poll(() => page.getByRole("row").filter({ hasText: "/api/health" }).count()).toBe(0);
    const notFound = page.getByRole("row").filter({ hasText: "/api/collections/nosuch/records" }).first();
    await notFound.waitFor();

    await notFound.getByRole("button").click();
    const detail = page.getByRole("dialog");
    await detail.getByRole("heading", { name: /^Log / }).waitFor();
    await detail.getByText("data.status").waitFor();
    expect(await detail.textContent()).toContain("404");
    await expectAccessible("ops-02-log-detail");
    await detail.getByRole("button", { name: "Close" }).click();

    await page.locator("#logs-filter").fill("data.nope ===");
    await page.locator("#logs-filter").press("Enter");
    await page.getByRole("alert").first().waitFor();
    await page.getByRole("button", { name: "Clear" }).click();
  });

  it("settings: a change is saved and survives a reload; a bad value is shown at its field", async () => {
    await openPage("Settings");
    await page.getByRole("heading", { name: "Application", exact: true, level: 2 }).waitFor();
    await page.getByLabel("Application name").fill("Ops Test App");
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.getByRole("status").filter({ hasText: "Saved." }).waitFor();
    expect((await api("GET", "/api/settings")).body.meta.appName).toBe("Ops Test App");
    await page.reload();
    await page.getByRole("heading", { name: "Application", exact: true, level: 2 }).waitFor();
    expect(await page.getByLabel("Application name").inputValue()).toBe("Ops Test App");

    await page.getByLabel("Application URL").fill("not a url");
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.locator("#settings-meta-appURL-error").waitFor();
    expect(await page.locator("#settings-meta-appURL-error").textContent()).toMatch(/URL/);
    await expectAccessible("ops-03-settings-error");
    await page.getByRole("button", { name: "Discard changes" }).click();
    expect(await page.getByLabel("Application URL").inputValue()).toBe(server.url);
  });

  it("settings: mail keeps a stored secret masked and sends a test email", async () => {
    await page.getByRole("link", { name: "Mail", exact: true }).click();
    await page.getByRole("heading", { name: "Mail", exact: true, level: 2 }).waitFor();
    await page.getByLabel("HTTP mail API key").fill("key-from-the-dashboard");
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.getByRole("status").filter({ hasText: "Saved." }).waitFor();
    expect(await page.getByLabel("HTTP mail API key").inputValue()).toBe("");
    const served = (await api("GET", "/api/settings")).body;
    expect(JSON.stringify(served)).not.toContain("key-from-the-dashboard");
    expect(served.mail.apiUrl).toBe(sink.url);

    await page.getByLabel("To", { exact: true }).fill("ops-mail@example.com");
    await page.getByLabel("Template", { exact: true }).selectOption("password-reset");
    await page.getByRole("button", { name: "Send test email" }).click();
    await page.getByRole("status").filter({ hasText: "Sent a test email" }).waitFor();
    const mail = await sink.waitFor("ops-mail@example.com");
    expect(mail.subject.length).toBeGreaterThan(0);
    await expectAccessible("ops-04-settings-mail");

    await page.getByRole("link", { name: "Rate limits", exact: true }).click();
    await page.getByLabel("Rule 4 max requests").fill("301");
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.getByRole("status").filter({ hasText: "Saved." }).waitFor();
    const rules = (await api("GET", "/api/settings")).body.rateLimits.rules;
    expect(rules[3]).toMatchObject({ label: "/api/", maxRequests: 301 });
    await expectAccessible("ops-05-settings-rate-limits");
  });

  it("backups: create, download, upload, restore after confirmation, delete", async () => {
    await openPage("Backups");
    await page.getByText("No backups yet").waitFor();
    await expectAccessible("ops-06-backups-empty");
    await page.getByLabel("Name (optional)").fill("e2e-before.zip");
    await page.getByRole("button", { name: "Create backup" }).click();
    await page.getByRole("row").filter({ hasText: "e2e-before.zip" }).waitFor();

    const downloading = page.waitForEvent("download");
    await page.getByRole("button", { name: "Download e2e-before.zip" }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe("e2e-before.zip");
    const saved = join(tmpdir(), `e2e-upload-${Date.now()}.zip`);
    await download.saveAs(saved);
    expect(readFileSync(saved).subarray(0, 2).toString()).toBe("PK");

    await page.getByLabel("Backup zip").setInputFiles({
      name: "e2e-uploaded.zip",
      mimeType: "application/zip",
      buffer: readFileSync(saved),
    });
    await page.getByRole("button", { name: "Upload", exact: true }).click();
    await page.getByRole("row").filter({ hasText: "e2e-uploaded.zip" }).waitFor();

    const later = await api("POST", "/api/collections/users/records", {
      email: "after-backup@example.com",
      password: "after-backup-1",
      passwordConfirm: "after-backup-1",
    });
    expect(later.status).toBe(200);

    await page.getByRole("button", { name: "Restore e2e-before.zip" }).click();
    const confirm = page.getByRole("dialog");
    await confirm.getByRole("heading", { name: "Restore this backup?" }).waitFor();
    expect(await confirm.getByRole("button", { name: "Restore" }).isDisabled()).toBe(true);
    await confirm.getByLabel(/Type .* to confirm/).fill("e2e-before.zip");
    await expectAccessible("ops-07-backup-restore-confirm");
    await confirm.getByRole("button", { name: "Restore" }).click();
    await page.getByRole("status").filter({ hasText: "Restored e2e-before.zip." }).waitFor();
    expect((await api("GET", `/api/collections/users/records/${later.body.id}`)).status).toBe(404);

    await page.getByRole("button", { name: "Delete e2e-uploaded.zip" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Delete" }).click();
    await expect.poll(() => page.getByRole("row").filter({ hasText: "e2e-uploaded.zip" }).count()).toBe(0);
    const keys = (await api("GET", "/api/backups")).body.map((b: Json) => b.key);
    expect(keys).toEqual(["e2e-before.zip"]);
    await expectAccessible("ops-08-backups");
  });

  it("crons: lists the jobs and runs one now", async () => {
    await openPage("Crons");
    const row = page.getByRole("row").filter({ hasText: "__pbOTPCleanup__" });
    await row.waitFor();
    expect(await row.textContent()).toContain("Every hour");
    await page.getByRole("button", { name: "Run now: __pbOTPCleanup__" }).click();
    await page.getByRole("status").filter({ hasText: "Started __pbOTPCleanup__" }).waitFor();
    await expect
      .poll(
        async () =>
          (
            await api(
              "GET",
              `/api/logs?filter=${encodeURIComponent('data.url ~ "/api/crons/__pbOTPCleanup__"')}`,
            )
          ).body.items[0]?.data.status,
      )
      .toBe(204);
    await expectAccessible("ops-09-crons");
  });

  it("webhooks: create one (secret shown once), see its delivery, re-send it", async () => {
    await openPage("Webhooks");
    await page.getByText("No webhooks yet").waitFor();
    await page.getByRole("button", { name: "New webhook" }).click();
    const form = page.getByRole("dialog");
    await form.getByLabel("Name", { exact: true }).fill("user signups");
    await form.getByLabel("URL", { exact: true }).fill(receiver.url);
    await form.getByRole("checkbox", { name: "users", exact: true }).check();
    await expectAccessible("ops-10-webhook-form");
    await form.getByRole("button", { name: "Create webhook" }).click();
    await form.getByRole("heading", { name: "Webhook created" }).waitFor();
    const secret = await form.getByLabel("Signing secret").inputValue();
    expect(secret).toMatch(/^[A-Za-z0-9]{48}$/);
    await screenshot(page, "ops-11-webhook-secret");
    await form.getByRole("button", { name: "Done" }).click();
    const hookRow = page.getByRole("row").filter({ hasText: "user signups" });
    await hookRow.waitFor();
    expect(await hookRow.textContent()).not.toContain(secret);

    const user = await api("POST", "/api/collections/users/records", {
      email: "hooked@example.com",
      password: "hooked-password-1",
      passwordConfirm: "hooked-password-1",
    });
    expect(user.status).toBe(200);
    await expect.poll(() => receiver.hits.length).toBe(1);
    expect(receiver.hits[0]?.body).toMatchObject({ type: "record.create", data: { collection: "users" } });

    const delivered = page
      .getByRole("row")
      .filter({ hasText: user.body.id })
      .filter({ hasText: "delivered" });
    await expect
      .poll(async () => {
        await page.getByRole("button", { name: "Refresh" }).click();
        return delivered.count();
      })
      .toBe(1);
    await expectAccessible("ops-12-webhook-deliveries");

    await delivered.getByRole("button", { name: /details of delivery/ }).click();
    const detail = page.getByRole("dialog");
    await detail.getByRole("heading", { name: "Payload" }).waitFor();
    expect(await detail.locator("pre").textContent()).toContain(user.body.id);
    await expectAccessible("ops-12b-delivery-detail");
    await detail.getByRole("button", { name: "Close" }).click();

    await delivered.getByRole("button", { name: /Re-send delivery/ }).click();
    await page.getByRole("status").filter({ hasText: "Queued again" }).waitFor();
    await expect.poll(() => receiver.hits.length).toBe(2);
    expect(receiver.hits[1]?.id).toBe(receiver.hits[0]?.id);

    await page.getByLabel("Status", { exact: true }).selectOption("failed");
    await page.getByText("No deliveries match.").waitFor();
    await page.getByLabel("Status", { exact: true }).selectOption("");
  });

  it("superusers: create one, delete it, and the API refuses to delete the last", async () => {
    await openPage("Superusers");
    await page.getByRole("row").filter({ hasText: server.email }).filter({ hasText: "(you)" }).waitFor();
    await page.getByRole("button", { name: "New superuser" }).click();
    const form = page.getByRole("dialog");
    await form.getByLabel("Email", { exact: true }).fill("second-admin@example.com");
    await form.getByLabel("Password", { exact: true }).fill("second-admin-password");
    await form.getByLabel("Confirm password").fill("not the same");
    await form.getByRole("button", { name: "Create superuser" }).click();
    await form.locator("#superuser-password-confirm-error").waitFor();
    await expectAccessible("ops-13-superuser-error");
    await form.getByLabel("Confirm password").fill("second-admin-password");
    await form.getByRole("button", { name: "Create superuser" }).click();
    await page.getByRole("row").filter({ hasText: "second-admin@example.com" }).waitFor();

    // Edit: a new email and a new password (a mismatch first, shown at its input).
    await page.getByRole("button", { name: "Edit second-admin@example.com" }).click();
    const edit = page.getByRole("dialog");
    await edit.getByLabel("Email", { exact: true }).fill("renamed-admin@example.com");
    await edit.getByLabel("New password").fill("renamed-admin-password");
    await edit.getByLabel("Confirm password").fill("not the same");
    await edit.getByRole("button", { name: "Save superuser" }).click();
    await edit.locator("#superuser-password-confirm-error").waitFor();
    await edit.getByLabel("Confirm password").fill("renamed-admin-password");
    await expectAccessible("ops-13b-superuser-edit");
    await edit.getByRole("button", { name: "Save superuser" }).click();
    await page.getByRole("row").filter({ hasText: "renamed-admin@example.com" }).waitFor();
    const signIn = (identity: string, password: string) =>
      fetchServer(`${server.url}/api/collections/_superusers/auth-with-password`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ identity, password }),
      });
    expect((await signIn("renamed-admin@example.com", "renamed-admin-password")).status).toBe(200);
    expect((await signIn("renamed-admin@example.com", "second-admin-password")).status).toBe(400);
    expect((await signIn("second-admin@example.com", "renamed-admin-password")).status).toBe(400);

    // Saving the email alone keeps the password (an empty password field is not sent).
    await page.getByRole("button", { name: "Edit renamed-admin@example.com" }).click();
    await edit.getByLabel("Email", { exact: true }).fill("third-admin@example.com");
    await edit.getByRole("button", { name: "Save superuser" }).click();
    await page.getByRole("row").filter({ hasText: "third-admin@example.com" }).waitFor();
    expect((await signIn("third-admin@example.com", "renamed-admin-password")).status).toBe(200);

    await page.getByRole("button", { name: "Delete third-admin@example.com" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Delete" }).click();
    await expect
      .poll(() => page.getByRole("row").filter({ hasText: "third-admin@example.com" }).count())
      .toBe(0);

    await page.getByRole("button", { name: `Delete ${server.email}` }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Delete" }).click();
    await page
      .getByRole("alert")
      .filter({ hasText: "You can't delete the only existing superuser" })
      .waitFor();
    expect((await api("GET", "/api/collections/_superusers/records")).body.totalItems).toBe(1);
    await expectAccessible("ops-14-superusers");
  });

  it("superusers: a new password for oneself signs the dashboard in again with it", async () => {
    const newPassword = "own-new-password-1";
    await page.getByRole("button", { name: `Edit ${server.email}` }).click();
    const edit = page.getByRole("dialog");
    await edit.getByLabel("New password").fill(newPassword);
    await edit.getByLabel("Confirm password").fill(newPassword);
    await edit.getByRole("button", { name: "Save superuser" }).click();
    await page.getByRole("status").filter({ hasText: "signed in again with the new password" }).waitFor();
    await page.getByRole("row").filter({ hasText: server.email }).filter({ hasText: "(you)" }).waitFor();
    const signIn = (password: string) =>
      fetchServer(`${server.url}/api/collections/_superusers/auth-with-password`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ identity: server.email, password }),
      });
    // The old token died with the old token key (a dead token is a guest's, as PocketBase: 403 here); the
    // test's API calls go on with a new one.
    expect((await api("GET", "/api/collections/_superusers/records")).status).toBe(403);
    expect((await signIn(server.password)).status).toBe(400);
    const fresh = await signIn(newPassword);
    expect(fresh.status).toBe(200);
    token = ((await fresh.json()) as { token: string }).token;
    // The dashboard's own session works: a page that needs a superuser still loads.
    await openPage("Crons");
    await page
      .getByRole("button", { name: /Run now/ })
      .first()
      .waitFor();
  });

  it("renders the operations pages in dark mode and at tablet width", async () => {
    await page.getByRole("button", { name: /Switch to dark theme/ }).click();
    await openPage("Logs");
    await page.getByRole("img", { name: /Requests per hour: \d+ in this period/ }).waitFor();
    // Later requests have pushed the first page past /api/health: any request row will do.
    await page.getByRole("row").filter({ hasText: "GET /api/" }).first().waitFor();
    await expectAccessible("ops-15-logs-dark");
    await openPage("Settings");
    await page.getByRole("heading", { name: "Application", exact: true, level: 2 }).waitFor();
    await expectAccessible("ops-16-settings-dark");
    await page.setViewportSize({ width: 820, height: 1000 });
    await screenshot(page, "ops-17-settings-tablet");
    await openPage("Webhooks");
    await page.getByRole("row").filter({ hasText: "delivered" }).first().waitFor();
    await screenshot(page, "ops-18-webhooks-tablet");
    // Wide tables scroll inside their frame: the page itself never gets wider than the window.
    expect(await page.evaluate<number>("document.documentElement.scrollWidth")).toBeLessThanOrEqual(820);
    await openPage("Backups");
    await page.getByRole("row").filter({ hasText: "e2e-before.zip" }).waitFor();
    expect(await page.evaluate<number>("document.documentElement.scrollWidth")).toBeLessThanOrEqual(820);
    await screenshot(page, "ops-19-backups-tablet");
    await page.setViewportSize({ width: 1280, height: 900 });
  });
});
