/**
 * The dashboard in a real Chromium against a real `wrangler dev`: sign-in, a collection with every field type
 * (a file option's error at its control), rules with errors in place, records (relation, JSON, edit, delete), the filter box, live updates,
 * a protected file's thumbnail in the table, impersonation, an auth record's sessions (list, revoke), the emailed password-reset link, and sign-out of a revoked session. axe-core runs on each
 * page; every step saves a screenshot to test/e2e/screenshots/.
 */
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

function api(method: string, path: string, body?: unknown): Promise<JsonAnswer> {
  return callJson(server, token, method, path, body);
}

function expectAccessible(name: string): Promise<void> {
  return expectAccessibleAt(page, name);
}

const USER_EMAIL = "reader@example.com";
const USER_PASSWORD = "first-password-1";
let userId = "";

beforeAll(async () => {
  sink = await startMailSink();
  server = await startDevServer({ vars: (url) => ({ MAIL_API_URL: sink.url, APP_URL: url }) });
  token = await superuserToken(server);
  const user = await api("POST", "/api/collections/users/records", {
    email: USER_EMAIL,
    password: USER_PASSWORD,
    passwordConfirm: USER_PASSWORD,
  });
  expect(user.status).toBe(200);
  userId = user.body.id;
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await sink?.stop();
});

describe("dashboard", () => {
  it("refuses a wrong password with the API's message, then signs the superuser in", async () => {
    await page.goto(`${server.url}/_/`);
    await page.getByLabel("Email").fill(server.email);
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page
      .getByRole("alert")
      .filter({ hasText: /authenticate/i })
      .waitFor();
    await expectAccessible("01-login-error");

    await page.getByLabel("Password").fill(server.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Welcome" }).waitFor();
    await page.getByRole("link", { name: /^users/ }).waitFor();
    await expectAccessible("02-welcome");
  });

  const FIELDS: [type: string, name: string][] = [
    ["text", "title"],
    ["editor", "body"],
    ["number", "views"],
    ["bool", "published"],
    ["email", "contact"],
    ["url", "link"],
    ["date", "due"],
    ["select", "status"],
    ["json", "meta"],
    ["relation", "author"],
    ["geoPoint", "place"],
    ["autodate", "created"],
    ["file", "cover"],
  ];

  /** A 2×2 PNG: an image the API can make a thumbnail of. */
  const PNG = Buffer.from(
    "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGM4oaEBRAwQCgAhLgRhHuBtwgAAAABJRU5ErkJggg==",
    "base64",
  );

  it("creates a collection with one field of each type", async () => {
    await page.getByRole("button", { name: "New collection" }).click();
    await page.getByLabel("Name", { exact: true }).fill("posts");
    for (const [i, [type, name]] of FIELDS.entries()) {
      await page.getByLabel("New field type").selectOption(type);
      await page.getByRole("button", { name: "Add field" }).click();
      await page.locator(`#field-${i}-name`).fill(name);
    }
    const status = FIELDS.findIndex(([, n]) => n === "status");
    await page.locator(`#field-${status}-values`).fill("draft, live");
    await page.locator(`#field-${status}-values`).press("Tab");
    const author = FIELDS.findIndex(([, n]) => n === "author");
    await page.locator(`#field-${author}-collectionId`).selectOption({ label: "users" });
    const cover = FIELDS.findIndex(([, n]) => n === "cover");
    await page.locator(`#field-${cover}-maxSize`).fill("1048576");
    await page.locator(`#field-${cover}-mimeTypes`).fill("image/png, image/jpeg");
    await page.locator(`#field-${cover}-mimeTypes`).press("Tab");
    await page.locator(`#field-${cover}-thumbs`).fill("100x100, huge");
    await page.locator(`#field-${cover}-thumbs`).press("Tab");
    await page.getByLabel("Protected (served only with a file token)").check();
    await page.getByRole("checkbox", { name: "Locked (superusers only)" }).first().waitFor();
    await expectAccessible("03-new-collection");
    // The API refuses the bad thumb size; its message shows at the thumbs input, nothing is created.
    await page.getByRole("button", { name: "Create collection" }).click();
    const thumbsError = page.locator(`#field-${cover}-thumbs-error`);
    await thumbsError.waitFor();
    expect(await thumbsError.textContent()).toMatch(/item 2: Thumb sizes are WxH/);
    expect(await page.locator(`#field-${cover}-thumbs`).getAttribute("aria-invalid")).toBe("true");
    expect((await api("GET", "/api/collections/posts")).status).toBe(404);
    await screenshot(page, "03b-file-option-error");
    await page.locator(`#field-${cover}-thumbs`).fill("100x100");
    await page.locator(`#field-${cover}-thumbs`).press("Tab");
    await page.getByRole("button", { name: "Create collection" }).click();
    await page.getByRole("heading", { name: "Collection posts" }).waitFor();

    const saved = await api("GET", "/api/collections/posts");
    expect(saved.status).toBe(200);
    const types = Object.fromEntries(saved.body.fields.map((f: Json) => [f.name, f.type]));
    for (const [type, name] of FIELDS) expect(types[name], name).toBe(type);
    expect(saved.body.fields.find((f: Json) => f.name === "status").values).toEqual(["draft", "live"]);
    expect(saved.body.fields.find((f: Json) => f.name === "cover")).toMatchObject({
      maxSelect: 1,
      maxSize: 1048576,
      mimeTypes: ["image/png", "image/jpeg"],
      thumbs: ["100x100"],
      protected: true,
    });
  });

  it("shows a rule's syntax error where the rule is, suggests fields, then saves a valid rule", async () => {
    await page.locator("#rule-listRule").fill("title ==== 'x'");
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.locator("#rule-listRule-error").waitFor();
    expect(await page.locator("#rule-listRule-error").textContent()).not.toBe("");
    await expectAccessible("04-rule-error");

    await page.locator("#rule-viewRule").fill("");
    await page.locator("#rule-viewRule").pressSequentially("@request.a");
    await page.getByRole("option", { name: "@request.auth." }).waitFor();
    await page.locator("#rule-viewRule").fill("");
    await page.locator("#rule-viewRule").pressSequentially("aut");
    await page.getByRole("option", { name: "author", exact: true }).waitFor();
    await screenshot(page, "05-rule-autocomplete");
    await page.locator("#rule-viewRule").fill("");

    await page.locator("#rule-listRule").fill('title != ""');
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.getByRole("status").filter({ hasText: "Saved." }).waitFor();
    expect((await api("GET", "/api/collections/posts")).body.listRule).toBe('title != ""');
  });

  it("creates, edits and deletes a record with a relation, and shows a bad field where it is", async () => {
    await page.getByRole("link", { name: /^posts/ }).click();
    await page.getByRole("heading", { name: "posts", exact: true }).waitFor();
    await expectAccessible("06-records-empty");

    await page.getByRole("button", { name: "New record" }).click();
    await page.locator("#rec-title").fill("First post");
    await page.locator("#rec-views").fill("3");
    await page.locator("#rec-published").check();
    await page.locator("#rec-status").selectOption("live");
    await page.locator("#rec-meta").fill('{"tags": ["a"]}');
    await page.locator(`#rec-author option[value="${userId}"]`).waitFor({ state: "attached" });
    await page.locator("#rec-author").selectOption(userId);
    await expectAccessible("07-record-form");
    await page.getByRole("button", { name: "Create", exact: true }).click();
    const row = page.getByRole("row").filter({ hasText: "First post" });
    await row.waitFor();

    const list = await api("GET", "/api/collections/posts/records");
    expect(list.body.items).toHaveLength(1);
    const created = list.body.items[0];
    expect(created).toMatchObject({
      title: "First post",
      views: 3,
      published: true,
      status: "live",
      author: userId,
    });
    expect(created.meta).toEqual({ tags: ["a"] });

    await row.click();
    await page.locator("#rec-title").fill("First post (edited)");
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.getByRole("row").filter({ hasText: "First post (edited)" }).waitFor();
    expect((await api("GET", `/api/collections/posts/records/${created.id}`)).body.title).toBe(
      "First post (edited)",
    );

    await page.getByRole("button", { name: "New record" }).click();
    await page.locator("#rec-meta").fill("{bad");
    await page.getByRole("button", { name: "Create", exact: true }).click();
    await page.getByText(/Invalid JSON/).waitFor();
    await screenshot(page, "08-record-field-error");
    await page.getByRole("button", { name: "Cancel" }).click();

    page.once("dialog", (d) => void d.accept());
    await page.getByRole("row").filter({ hasText: "First post (edited)" }).click();
    await page.getByRole("button", { name: "Delete" }).click();
    await expect.poll(() => page.getByRole("row").filter({ hasText: "First post" }).count()).toBe(0);
    expect((await api("GET", `/api/collections/posts/records/${created.id}`)).status).toBe(404);
  });

  it("filters with the filter box, and shows a bad filter's error", async () => {
    for (const title of ["alpha", "beta"]) {
      expect((await api("POST", "/api/collections/posts/records", { title })).status).toBe(200);
    }
    const rows = (text: string) => page.getByRole("row").filter({ hasText: text }).count();
    await expect.poll(() => rows("beta")).toBe(1);
    await page.locator("#records-filter").fill('title = "alpha"');
    await page.locator("#records-filter").press("Enter");
    await expect.poll(() => rows("beta")).toBe(0);
    expect(await rows("alpha")).toBe(1);
    // The header row and the one match.
    expect(await page.getByRole("row").count()).toBe(2);
    await expectAccessible("09-filtered");

    await page.locator("#records-filter").fill("title ===");
    await page.locator("#records-filter").press("Enter");
    await page.getByRole("alert").waitFor();
    await page.getByRole("button", { name: "Clear" }).click();
    await expect.poll(() => rows("beta")).toBe(1);
  });

  it("shows a record another client creates, without a reload", async () => {
    await page.getByText("● live").waitFor();
    expect((await api("POST", "/api/collections/posts/records", { title: "from elsewhere" })).status).toBe(
      200,
    );
    await page.getByRole("row").filter({ hasText: "from elsewhere" }).waitFor({ timeout: 15_000 });
    await screenshot(page, "10-live-update");
  });

  it("shows a protected file's thumbnail in the records table, through a file token", async () => {
    // Signed-in viewers only: without the file token the request is anonymous, and refused.
    const rule = await api("PATCH", "/api/collections/posts", { viewRule: '@request.auth.id != ""' });
    expect(rule.status).toBe(200);
    const form = new FormData();
    form.append("title", "with cover");
    form.append("cover", new Blob([PNG], { type: "image/png" }), "cover.png");
    const res = await fetchServer(`${server.url}/api/collections/posts/records`, {
      method: "POST",
      headers: { authorization: token },
      body: form,
    });
    expect(res.status).toBe(200);
    const record = (await res.json()) as Json;
    const thumb = page
      .getByRole("row")
      .filter({ hasText: "with cover" })
      .getByRole("img", { name: record.cover });
    await thumb.waitFor({ timeout: 15_000 });
    // A refused request answers JSON, which no <img> decodes: a width proves the token was accepted.
    await expect
      .poll(() => thumb.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth))
      .toBeGreaterThan(0);
    const src = new URL((await thumb.getAttribute("src")) ?? "");
    expect(src.searchParams.get("thumb")).toBe("100x100");
    expect(src.searchParams.get("token")).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    src.searchParams.delete("token");
    expect((await fetchServer(src.href)).status).toBe(403);
    // The file column is the table's last: scrolled into view for the screenshot.
    await thumb.scrollIntoViewIfNeeded();
    await expectAccessible("10b-file-thumbnail");
  });

  it("impersonates a user with a token that works", async () => {
    await page.getByRole("link", { name: /^users/ }).click();
    await page.getByRole("row").filter({ hasText: USER_EMAIL }).click();
    await page.getByRole("button", { name: "Impersonate" }).click();
    const impersonation = await page.locator("#rec-impersonation").inputValue();
    expect(impersonation.split(".")).toHaveLength(3);
    await screenshot(page, "11-impersonate");
    const res = await fetchServer(`${server.url}/api/collections/users/records/${userId}`, {
      headers: { authorization: impersonation },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Json).email).toBe(USER_EMAIL);
    await page.getByRole("button", { name: "Cancel" }).click();
  });

  it("lists a user's session in the record editor and revokes it: the user's refresh then fails", async () => {
    const signIn = await fetchServer(`${server.url}/api/collections/users/auth-with-password`, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "e2e-sessions-agent/1.0" },
      body: JSON.stringify({ identity: USER_EMAIL, password: USER_PASSWORD }),
    });
    expect(signIn.status).toBe(200);
    const { refreshToken } = (await signIn.json()) as Json;
    const refresh = (value: string) =>
      fetchServer(`${server.url}/api/collections/users/auth-refresh`, {
        method: "POST",
        // A refresh records its user agent on the session: the same one, so the row is found by it.
        headers: { "content-type": "application/json", "user-agent": "e2e-sessions-agent/1.0" },
        body: JSON.stringify({ refreshToken: value }),
      });
    const refreshed = await refresh(refreshToken);
    expect(refreshed.status).toBe(200);
    const liveToken = ((await refreshed.json()) as Json).refreshToken as string;

    await page.getByRole("link", { name: /^users/ }).click();
    await page.getByRole("row").filter({ hasText: USER_EMAIL }).click();
    const sessions = page.getByRole("list", { name: "Sessions" });
    const row = sessions.getByRole("listitem").filter({ hasText: "e2e-sessions-agent/1.0" });
    await row.waitFor();
    const text = (await row.textContent()) ?? "";
    expect(text).toContain("password");
    expect(text).toMatch(/created \d{4}-\d{2}-\d{2} .*last seen .*expires \d{4}-/s);
    await page.getByRole("heading", { name: "Sessions" }).scrollIntoViewIfNeeded();
    await expectAccessible("11b-record-sessions");
    page.once("dialog", (d) => void d.accept());
    await row.getByRole("button", { name: "Revoke" }).click();
    await page.getByRole("status").filter({ hasText: "Session revoked." }).waitFor();
    await expect.poll(() => row.count()).toBe(0);
    await screenshot(page, "11c-record-session-revoked");
    expect((await refresh(liveToken)).status).toBe(401);
    await page.getByRole("button", { name: "Cancel" }).click();
  });

  it("turns on OTP sign-in for users through the auth options form", async () => {
    await page.getByRole("link", { name: /^users/ }).click();
    await page.getByRole("button", { name: "Collection settings" }).click();
    await page.getByRole("checkbox", { name: "Sign in with a code sent by email" }).check();
    await page.getByLabel("Code length").fill("6");
    await expectAccessible("12-auth-options");
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.getByRole("status").filter({ hasText: "Saved." }).waitFor();
    const users = await api("GET", "/api/collections/users");
    expect(users.body.otp).toMatchObject({ enabled: true, length: 6 });
    expect(users.body.passwordAuth.enabled).toBe(true);
  });

  it("resets a user's password from the emailed link on the public page", async () => {
    const requested = await fetchServer(`${server.url}/api/collections/users/request-password-reset`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: USER_EMAIL }),
    });
    expect(requested.status).toBe(204);
    const mail = await sink.waitFor(USER_EMAIL);
    const link = /https?:\/\/\S+\/_\/#\/auth\/confirm-password-reset\/\S+/.exec(mail.text)?.[0];
    expect(link?.startsWith(server.url)).toBe(true);

    const visitor = await browser.newPage({ viewport: { width: 800, height: 700 } });
    await visitor.goto(link as string);
    await visitor.getByLabel("New password", { exact: true }).fill("second-password-2");
    await visitor.getByLabel("Confirm new password").fill("second-password-2");
    await screenshot(visitor, "13-password-reset");
    await visitor.getByRole("button", { name: "Confirm" }).click();
    await visitor.getByText("Your password was changed").waitFor();
    await visitor.close();

    const signIn = (password: string) =>
      fetchServer(`${server.url}/api/collections/users/auth-with-password`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ identity: USER_EMAIL, password }),
      });
    expect((await signIn("second-password-2")).status).toBe(200);
    expect((await signIn(USER_PASSWORD)).status).toBe(400);
  });

  it("renders in dark mode and at tablet width", async () => {
    await page.getByRole("button", { name: /Switch to dark theme/ }).click();
    await page.getByRole("link", { name: /^posts/ }).click();
    await page.getByRole("row").filter({ hasText: "alpha" }).waitFor();
    await expectAccessible("14-dark");
    await page.setViewportSize({ width: 820, height: 1000 });
    await screenshot(page, "15-tablet");
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it("hides the collection controls when settings say meta.hideControls", async () => {
    expect((await api("PATCH", "/api/settings", { meta: { hideControls: true } })).status).toBe(200);
    // The dashboard reads its settings when it loads.
    await page.goto(`${server.url}/_/#/collections/posts`);
    await page.reload();
    await page.getByRole("row").filter({ hasText: "alpha" }).waitFor();
    expect(await page.getByRole("button", { name: "New collection" }).count()).toBe(0);
    expect(await page.getByRole("button", { name: "Collection settings" }).count()).toBe(0);
    expect(await page.getByRole("link", { name: "Import / export" }).count()).toBe(0);
    // Records stay editable: only the schema controls are hidden.
    expect(await page.getByRole("button", { name: "New record" }).count()).toBe(1);
    await page.goto(`${server.url}/_/#/collections/posts/settings`);
    await page.getByRole("alert").filter({ hasText: "Collection controls are hidden" }).waitFor();
    await expectAccessible("16-hidden-controls");
    expect((await api("PATCH", "/api/settings", { meta: { hideControls: false } })).status).toBe(200);
    await page.goto(`${server.url}/_/#/collections/posts`);
    await page.reload();
    await page.getByRole("button", { name: "Collection settings" }).waitFor();
  });

  it("signs out when the session is revoked elsewhere", async () => {
    const stored = await page.evaluate(() => localStorage.getItem("edgebase_dashboard_auth"));
    const dashboardToken = (JSON.parse(stored ?? "{}") as { token?: string }).token ?? "";
    const logout = await fetchServer(`${server.url}/api/sessions/logout-all`, {
      method: "POST",
      headers: { authorization: dashboardToken },
    });
    expect(logout.status).toBe(204);
    await page.reload();
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    await screenshot(page, "17-signed-out");
  });
});
