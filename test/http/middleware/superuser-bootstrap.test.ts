/** Superuser bootstrap from EDGEBASE_SUPERUSER_EMAIL/PASSWORD: created on first use, once, never overwritten. */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createEdgebase } from "../../../src/app";

const BASE = "http://edgebase.test";

function appWith(vars: Record<string, string>) {
  const app = createEdgebase({ logLevel: "off" });
  const bindings = { ...env, ...vars };
  return (path: string, init?: RequestInit) => app.request(BASE + path, init, bindings);
}

async function superusers(email: string): Promise<number> {
  const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM _superusers WHERE lower(email) = lower(?)")
    .bind(email)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

function signIn(send: ReturnType<typeof appWith>, identity: string, password: string) {
  return send("/api/collections/_superusers/auth-with-password", {
    method: "POST",
    headers: { "content-type": "application/json", "cf-connecting-ip": crypto.randomUUID() },
    body: JSON.stringify({ identity, password }),
  });
}

describe("superuser bootstrap", () => {
  it("creates the superuser on the first request, once, and it can sign in", async () => {
    const send = appWith({
      EDGEBASE_SUPERUSER_EMAIL: "Admin@Example.com",
      EDGEBASE_SUPERUSER_PASSWORD: "bootstrap pass 1",
    });
    expect(await superusers("admin@example.com")).toBe(0);
    const results = await Promise.all([send("/api/health"), send("/api/health")]);
    expect(results.map((r) => r.status)).toEqual([200, 200]);
    expect(await superusers("admin@example.com")).toBe(1);
    const res = await signIn(send, "admin@example.com", "bootstrap pass 1");
    expect(res.status).toBe(200);
    const body = (await res.json()) as { record: { verified: boolean; collectionName: string } };
    expect(body.record).toMatchObject({ verified: true, collectionName: "_superusers" });
    // Another isolate (a new app) with the same variables finds it and creates nothing.
    await appWith({
      EDGEBASE_SUPERUSER_EMAIL: "admin@example.com",
      EDGEBASE_SUPERUSER_PASSWORD: "other pass 22",
    })("/api/health");
    expect(await superusers("admin@example.com")).toBe(1);
    expect((await signIn(send, "admin@example.com", "other pass 22")).status).toBe(400);
  });

  it("does nothing without both variables, and refuses a password breaking the policy", async () => {
    await appWith({ EDGEBASE_SUPERUSER_EMAIL: "half@example.com" })("/api/health");
    expect(await superusers("half@example.com")).toBe(0);
    const weak = appWith({
      EDGEBASE_SUPERUSER_EMAIL: "weak@example.com",
      EDGEBASE_SUPERUSER_PASSWORD: "short",
    });
    expect((await weak("/api/health")).status).toBe(200);
    expect(await superusers("weak@example.com")).toBe(0);
  });
});
