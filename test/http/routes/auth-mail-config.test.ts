/** Mail fails closed outside local dev (issue 13, findings 8 and 13): no dev mailer, no links from Host. */
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { createEdgebase } from "../../../src/app";
import { clearDevOutbox, readDevOutbox } from "../../../src/auth/mailer";
import { SCHEMA_CHECK_INTERVAL_MS } from "../../../src/collections/store";
import { BASE } from "../../helpers/request";
import { authed, createSuperuser, freshIp, type Json, signIn, signUp } from "./auth-helpers";

const app = createEdgebase({ logLevel: "off" });

/** A POST to the app with the Worker's bindings, as deployed: EDGEBASE_DEV unset, plus `vars`. */
function deployed(path: string, body: unknown, vars: Record<string, string | undefined> = {}) {
  return app.request(
    `${BASE}/api/collections/users/${path}`,
    {
      method: "POST",
      headers: { "content-type": "application/json", "cf-connecting-ip": freshIp(), host: "evil.example" },
      body: JSON.stringify(body),
    },
    { ...env, EDGEBASE_DEV: undefined, ...vars },
  );
}

beforeEach(() => clearDevOutbox());

describe("outside local dev", () => {
  it("without MAIL_API_URL, request-* answer one 503 for known and unknown accounts and mail nothing", async () => {
    await signUp("known@example.com");
    const bodies = new Set<string>();
    for (const email of ["known@example.com", "unknown@example.com"]) {
      for (const path of ["request-password-reset", "request-verification"]) {
        const res = await deployed(path, { email }, { APP_URL: "https://app.example" });
        expect(res.status).toBe(503);
        const body = (await res.json()) as Json;
        expect(body.message).toContain("MAIL_API_URL");
        bodies.add(JSON.stringify(body));
      }
    }
    expect(bodies.size).toBe(1);
    expect(readDevOutbox()).toEqual([]);
  });

  it("without APP_URL, links are never built from the Host header: 503 before any mail is sent", async () => {
    await signUp("host@example.com");
    // An unroutable mail API: reaching it would fail differently (and is what must not happen first).
    const res = await deployed(
      "request-password-reset",
      { email: "host@example.com" },
      { MAIL_API_URL: "http://mail.invalid/send" },
    );
    expect(res.status).toBe(503);
    expect(((await res.json()) as Json).message).toContain("APP_URL");
    expect(readDevOutbox()).toEqual([]);
  });

  it("OTP codes need a mailer too (no link, so no APP_URL needed)", async () => {
    await createSuperuser("otp-admin@example.com");
    const su = await signIn("otp-admin@example.com", "_superusers");
    const patched = await authed(su.token, "/api/collections/users", {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ otp: { enabled: true } }),
    });
    expect(patched.status).toBe(200);
    await signUp("otp@example.com");
    // The Worker's collection store sees the change within its schema check bound.
    await new Promise((resolve) => setTimeout(resolve, SCHEMA_CHECK_INTERVAL_MS + 200));
    const res = await deployed("request-otp", { email: "otp@example.com" });
    expect(res.status).toBe(503);
    expect(((await res.json()) as Json).message).toContain("MAIL_API_URL");
    expect(readDevOutbox()).toEqual([]);
  });
});

describe("in local dev (EDGEBASE_DEV=1)", () => {
  it("the dev mailer delivers to the outbox with links on the request's origin", async () => {
    await signUp("dev@example.com");
    const res = await app.request(
      `${BASE}/api/collections/users/request-password-reset`,
      {
        method: "POST",
        headers: { "content-type": "application/json", "cf-connecting-ip": freshIp() },
        body: JSON.stringify({ email: "dev@example.com" }),
      },
      env,
    );
    expect(res.status).toBe(204);
    expect(readDevOutbox().map((m) => m.to)).toEqual(["dev@example.com"]);
    expect(readDevOutbox()[0]?.text).toContain(`${BASE}/`);
  });
});
