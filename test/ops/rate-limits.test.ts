/**
 * Rate limits from the settings: PocketBase's rule lookup (tags, exact paths, prefixes, audiences), and under
 * load through the Worker: a rule of 10 per window lets exactly 10 through per window in one isolate, answers
 * 429 with Retry-After in the error shape, honours trustedProxy, and never limits superusers.
 */
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findRule, type RateLimitRule, searchLabels, WindowCounter } from "../../src/ops/ratelimits";
import { SETTINGS_KEY } from "../../src/ops/settings";
import { api } from "../helpers/request";
import { authed } from "../http/routes/auth-helpers";
import { call, type Json, superuserToken, userToken } from "./helpers";

const rule = (label: string, audience: "" | "@guest" | "@auth" = ""): RateLimitRule => ({
  label,
  maxRequests: 1,
  duration: 1,
  audience,
});

describe("rule lookup", () => {
  const rules = [
    rule("/api/"),
    rule("/api/collections/"),
    rule("*:create"),
    rule("posts:create"),
    rule("*:auth", "@guest"),
    rule("GET /api/health"),
  ];
  it.each([
    ["POST", "/api/collections/posts/records", false, "posts:create"],
    ["POST", "/api/collections/other/records", false, "*:create"],
    ["GET", "/api/collections/other/records", false, "/api/collections/"],
    ["POST", "/api/collections/users/auth-with-password", false, "*:auth"],
    ["POST", "/api/collections/users/auth-with-password", true, "/api/collections/"],
    ["GET", "/api/health", false, "GET /api/health"],
    ["POST", "/api/health", false, "/api/"],
    ["GET", "/api", false, "/api/"],
    ["GET", "/apix", false, undefined],
  ])("%s %s (auth %s) → %s", (method, path, authed, label) => {
    expect(findRule(rules, searchLabels(method, path), authed)?.label).toBe(label);
  });

  it("counts per key and window", () => {
    let now = 0;
    const c = new WindowCounter(100, () => now);
    expect([1, 2, 3].map(() => c.hit("k", 2, 10).ok)).toEqual([true, true, false]);
    expect(c.hit("other", 2, 10).ok).toBe(true);
    now = 9_500;
    expect(c.hit("k", 2, 10)).toEqual({ ok: false, retryAfterSeconds: 1 });
    now = 10_000;
    expect(c.hit("k", 2, 10).ok).toBe(true);
  });
});

describe("through the Worker", () => {
  let admin: string;
  let user: string;
  beforeAll(async () => {
    admin = await superuserToken();
    user = await userToken();
    const res = await call("PATCH", "/api/settings", admin, {
      rateLimits: {
        enabled: true,
        rules: [
          { label: "/api/health", maxRequests: 10, duration: 2, audience: "" },
          { label: "GET /api/collections/users/records", maxRequests: 3, duration: 60, audience: "@auth" },
        ],
      },
      trustedProxy: { headers: ["X-Forwarded-For"], useLeftmostIP: true },
    });
    expect(res.status).toBe(200);
  });
  afterAll(async () => {
    await env.DB.prepare("DELETE FROM _params WHERE key = ?").bind(SETTINGS_KEY).run();
  });

  const health = (ip: string) => api("/api/health", { headers: { "x-forwarded-for": `${ip}, 10.0.0.1` } });

  it("a rule of 10 per window lets 10 through per window under concurrent load, 429 + Retry-After after", async () => {
    const first = await Promise.all(Array.from({ length: 40 }, () => health("198.51.100.10")));
    const statuses = first.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(30);
    const refused = first.find((r) => r.status === 429) as Response;
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(await refused.json()).toEqual({ status: 429, message: "Too many requests.", data: {} });
    // Another client (by the trusted proxy header's leftmost address) has its own window.
    expect((await health("198.51.100.11")).status).toBe(200);
    // The next window lets 10 more through.
    await new Promise((r) => setTimeout(r, 2100));
    const second = await Promise.all(Array.from({ length: 15 }, () => health("198.51.100.10")));
    expect(second.filter((r) => r.status === 200)).toHaveLength(10);
  });

  it("audiences apply (@auth rule leaves guests alone) and superusers are never limited", async () => {
    const asUser = () =>
      authed(user, "/api/collections/users/records", { headers: { "cf-connecting-ip": "192.0.2.50" } });
    for (let i = 0; i < 3; i++) expect((await asUser()).status).toBe(200);
    const limited = await asUser();
    expect(limited.status).toBe(429);
    expect(((await limited.json()) as Json).status).toBe(429);
    const guest = () =>
      api("/api/collections/users/records", { headers: { "cf-connecting-ip": "192.0.2.50" } });
    for (let i = 0; i < 5; i++) expect((await guest()).status).toBe(200);
    for (let i = 0; i < 15; i++) {
      const res = await authed(admin, "/api/collections/users/records", {
        headers: { "cf-connecting-ip": "192.0.2.50" },
      });
      expect(res.status).toBe(200);
    }
  });

  it("refuses malformed rules by path", async () => {
    const res = await call("PATCH", "/api/settings", admin, {
      rateLimits: { rules: [{ label: "bad label!", maxRequests: 0, duration: 1, audience: "@x" }] },
    });
    expect(res.status).toBe(400);
    const data = ((await res.json()) as Json).data;
    expect(Object.keys(data)).toEqual(
      expect.arrayContaining([
        "rateLimits.rules.0.label",
        "rateLimits.rules.0.maxRequests",
        "rateLimits.rules.0.audience",
      ]),
    );
  });
});
