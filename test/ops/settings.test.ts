/** `/api/settings` through the Worker: access, defaults, validation by path, masked secrets, and their effect. */
import { env } from "cloudflare:workers";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { clearDevOutbox, readDevOutbox } from "../../src/auth/mailer";
import { SETTINGS_KEY, SettingsStore } from "../../src/ops/settings";
import { apiJson } from "../helpers/request";
import { freshIp, signUp } from "../http/routes/auth-helpers";
import { call, type Json, superuserToken, userToken } from "./helpers";

let admin: string;
let user: string;

beforeAll(async () => {
  admin = await superuserToken();
  user = await userToken();
});

beforeEach(async () => {
  await env.DB.prepare("DELETE FROM _params WHERE key = ?").bind(SETTINGS_KEY).run();
  await call("PATCH", "/api/settings", admin, {}); // installs the reset in this isolate
});

describe("access", () => {
  it.each([
    ["GET", "/api/settings"],
    ["PATCH", "/api/settings"],
    ["POST", "/api/settings/test/s3"],
  ])("%s %s: 401 for guests, 403 for users", async (method, path) => {
    const guest = await call(method, path, null, {});
    expect(guest.status).toBe(401);
    expect(((await guest.json()) as Json).status).toBe(401);
    const res = await call(method, path, user, {});
    expect(res.status).toBe(403);
  });
});

describe("GET and PATCH", () => {
  it("serves the defaults in PocketBase's shape, with no secret field", async () => {
    const res = await call("GET", "/api/settings", admin);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Json;
    expect(body.meta).toEqual({
      appName: "Edgebase",
      appURL: "",
      senderName: "Support",
      senderAddress: "no-reply@localhost",
      hideControls: false,
    });
    expect(body.logs).toEqual({ maxDays: 5, minLevel: 0, logIP: true, logAuthId: false });
    expect(body.mail).toEqual({ apiUrl: "", emailBinding: false });
  });

  it("merges a partial change, keeps it, and answers the whole document", async () => {
    const res = await call("PATCH", "/api/settings", admin, {
      meta: { appName: "Acme" },
      logs: { maxDays: 9 },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Json;
    expect(body.meta.appName).toBe("Acme");
    expect(body.meta.senderName).toBe("Support");
    expect(body.logs.maxDays).toBe(9);
    const again = (await (await call("GET", "/api/settings", admin)).json()) as Json;
    expect(again).toEqual(body);
  });

  it("masks secrets on read and keeps them when a PATCH sends none or an empty one", async () => {
    const res = await call("PATCH", "/api/settings", admin, {
      mail: { apiUrl: "https://mail.example/send", apiKey: "s3cret-key" },
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain("s3cret-key");
    expect(JSON.parse(text).mail).toEqual({ apiUrl: "https://mail.example/send", emailBinding: false });
    await call("PATCH", "/api/settings", admin, { mail: { apiKey: "" } });
    const row = await env.DB.prepare("SELECT value FROM _params WHERE key = ?")
      .bind(SETTINGS_KEY)
      .first<{ value: string }>();
    expect(JSON.parse(row?.value ?? "{}").mail.apiKey).toBe("s3cret-key");
    expect(await (await call("GET", "/api/settings", admin)).text()).not.toContain("s3cret-key");
  });

  it("refuses bad values with errors by path and changes nothing", async () => {
    const cases: [unknown, string][] = [
      [{ logs: { maxDays: "x" } }, "logs.maxDays"],
      [{ logs: { maxDays: -1 } }, "logs.maxDays"],
      [{ logs: { logIP: "yes" } }, "logs.logIP"],
      [{ meta: { appName: "" } }, "meta.appName"],
      [{ meta: { appName: "a".repeat(300) } }, "meta.appName"],
      [{ meta: { appURL: "javascript:alert(1)" } }, "meta.appURL"],
      [{ meta: { senderAddress: "not an email" } }, "meta.senderAddress"],
      [{ mail: { apiUrl: "ftp://x" } }, "mail.apiUrl"],
      [{ logs: { unknownField: 1 } }, "logs"],
      [{ s3: { enabled: true } }, "s3"],
      [{ meta: "Acme" }, "meta"],
    ];
    for (const [body, path] of cases) {
      const res = await call("PATCH", "/api/settings", admin, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      const err = (await res.json()) as Json;
      expect(Object.keys(err.data), JSON.stringify(body)).toContain(path);
      expect(err.data[path].code).toMatch(/^validation_/);
    }
    const body = (await (await call("GET", "/api/settings", admin)).json()) as Json;
    expect(body.logs.maxDays).toBe(5);
    expect(body.meta.appName).toBe("Edgebase");
  });

  it("refuses non-object and invalid JSON bodies with a 400", async () => {
    for (const raw of ["[]", "1", "not json", "null"]) {
      const res = await call("PATCH", "/api/settings", admin, raw);
      expect(res.status, raw).toBe(400);
    }
    const huge = await call("PATCH", "/api/settings", admin, { meta: { appName: "x".repeat(200_000) } });
    expect(huge.status).toBe(400);
  });

  it("answers test/s3 with a clear 400 (files and backups live in R2)", async () => {
    const res = await call("POST", "/api/settings/test/s3", admin, { filesystem: "storage" });
    expect(res.status).toBe(400);
    expect(((await res.json()) as Json).message).toContain("R2");
  });
});

describe("settings take effect", () => {
  beforeEach(() => clearDevOutbox());

  it("meta.appURL, appName and sender override the environment in auth emails", async () => {
    const email = `reset-${Date.now()}@example.com`;
    await signUp(email);
    const patch = await call("PATCH", "/api/settings", admin, {
      meta: {
        appURL: "https://app.example.org",
        appName: "Acme",
        senderName: "Acme Team",
        senderAddress: "hi@acme.test",
      },
    });
    expect(patch.status).toBe(200);
    const res = await apiJson(
      "POST",
      "/api/collections/users/request-password-reset",
      { email },
      { "cf-connecting-ip": freshIp() },
    );
    expect(res.status).toBe(204);
    const mail = readDevOutbox().find((m) => m.to === email);
    expect(mail?.text).toContain("https://app.example.org/");
    expect(`${mail?.subject} ${mail?.text}`).toContain("Acme");
  });
});

describe("SettingsStore across isolates", () => {
  it("another store sees a change within its check interval, not before", async () => {
    let now = 0;
    const other = new SettingsStore({ checkIntervalMs: 2000, clock: () => now });
    expect((await other.get(env.DB, env)).meta.appName).toBe("Edgebase");
    await call("PATCH", "/api/settings", admin, { meta: { appName: "Changed" } });
    now = 1999;
    expect((await other.get(env.DB, env)).meta.appName).toBe("Edgebase");
    now = 2000;
    expect((await other.get(env.DB, env)).meta.appName).toBe("Changed");
  });

  it("ignores invalid stored overrides (the defaults apply) and reports them", async () => {
    await env.DB.prepare(`INSERT OR REPLACE INTO _params ("key", "value") VALUES (?, ?)`)
      .bind(SETTINGS_KEY, JSON.stringify({ logs: { maxDays: "bad" } }))
      .run();
    const seen: unknown[] = [];
    const store = new SettingsStore({ onInvalid: (e) => seen.push(e) });
    expect((await store.get(env.DB, env)).logs.maxDays).toBe(5);
    expect(seen).toHaveLength(1);
  });
});
