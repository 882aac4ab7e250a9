/** The UserSessions object's lifetime rules: idle timeout sliding on refresh and use, absolute cap, extend(). */
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  SESSION_MAX_LIFETIME_SECONDS,
  SESSION_TTL_SECONDS,
  TOUCH_INTERVAL_MS,
} from "../../../src/auth/session-schema";
import { DAY_MS, storedLifetime, travel } from "./time-travel";

let counter = 0;
function freshUser() {
  counter += 1;
  return env.USER_SESSIONS.get(env.USER_SESSIONS.idFromName(`lifetime-user-${counter}`));
}

const HOUR = 3600;

describe("session lifetime defaults", () => {
  it("are 30 days idle and 1 year absolute", async () => {
    expect(SESSION_TTL_SECONDS).toBe(30 * 86_400);
    expect(SESSION_MAX_LIFETIME_SECONDS).toBe(365 * 86_400);
    const stub = freshUser();
    const before = Date.now();
    const issued = await stub.createSession({});
    const row = await storedLifetime(stub, issued.sessionId);
    expect(row.ttl_seconds).toBe(30 * 86_400);
    expect(row.expires - row.created).toBe(30 * DAY_MS);
    expect(row.max_expires - row.created).toBe(365 * DAY_MS);
    expect(issued.expiresAt).toBe(row.expires);
    expect(row.created).toBeGreaterThanOrEqual(before);
  });

  it("never lets the idle window pass the absolute cap, and clamps both", async () => {
    const stub = freshUser();
    const short = await stub.createSession({ ttl: 2 * HOUR, maxLifetime: HOUR });
    const row = await storedLifetime(stub, short.sessionId);
    expect(row.expires - row.created).toBe(HOUR * 1000);
    const wild = await stub.createSession({ ttl: 1, maxLifetime: 10 ** 12 });
    const clamped = await storedLifetime(stub, wild.sessionId);
    expect(clamped.ttl_seconds).toBe(60);
    expect(clamped.max_expires - clamped.created).toBe(5 * 365 * DAY_MS);
  });
});

describe("extend (PocketBase-style refresh)", () => {
  it("slides the idle timeout from now on every call, under the same session", async () => {
    const stub = freshUser();
    const issued = await stub.createSession({ ttl: 2 * HOUR, maxLifetime: 10 * HOUR });
    for (let i = 0; i < 4; i++) {
      await travel(stub, 1.5 * HOUR * 1000);
      const before = Date.now();
      const extended = await stub.extend(issued.sessionId, { ip: "198.51.100.7" });
      if (!extended.ok) throw new Error(`extend ${i} failed: ${extended.reason}`);
      expect(extended.expiresAt).toBeGreaterThanOrEqual(before + 2 * HOUR * 1000);
      expect(extended.expiresAt).toBeLessThanOrEqual(Date.now() + 2 * HOUR * 1000);
    }
    // 6 hours after sign-in, still alive: the idle timeout (2 h) counts from the last refresh.
    expect(await stub.isActive(issued.sessionId)).toBe(true);
    expect((await stub.listSessions())[0]?.ip).toBe("198.51.100.7");
  });

  it("refuses a session idle past its timeout ('expired')", async () => {
    const stub = freshUser();
    const issued = await stub.createSession({ ttl: 2 * HOUR });
    await travel(stub, 2 * HOUR * 1000 + 1000);
    expect(await stub.extend(issued.sessionId)).toEqual({ ok: false, reason: "expired" });
    expect(await stub.isActive(issued.sessionId)).toBe(false);
  });

  it("stops at the absolute cap: the last renewal ends at the cap, then 'expired'", async () => {
    const stub = freshUser();
    const issued = await stub.createSession({ ttl: 2 * HOUR, maxLifetime: 3 * HOUR });
    await travel(stub, 1.5 * HOUR * 1000);
    const last = await stub.extend(issued.sessionId);
    if (!last.ok) throw new Error("extend failed");
    const row = await storedLifetime(stub, issued.sessionId);
    expect(last.expiresAt).toBe(row.max_expires);
    expect(row.max_expires - row.created).toBe(3 * HOUR * 1000);
    await travel(stub, 1.5 * HOUR * 1000 + 1000);
    expect(await stub.extend(issued.sessionId)).toEqual({ ok: false, reason: "expired" });
  });

  it("applies the lifetime passed in (a changed setting) to the existing session", async () => {
    const stub = freshUser();
    const issued = await stub.createSession({ ttl: 2 * HOUR, maxLifetime: 10 * HOUR });
    const extended = await stub.extend(issued.sessionId, {}, undefined, { ttl: HOUR, maxLifetime: 4 * HOUR });
    expect(extended.ok).toBe(true);
    const row = await storedLifetime(stub, issued.sessionId);
    expect(row.ttl_seconds).toBe(HOUR);
    expect(row.max_expires - row.created).toBe(4 * HOUR * 1000);
    // A cap shortened below the session's age ends it at once.
    await travel(stub, 0.9 * HOUR * 1000);
    expect(await stub.extend(issued.sessionId, {}, undefined, { maxLifetime: 1800 })).toEqual({
      ok: false,
      reason: "expired",
    });
  });

  it("refuses unknown, malformed, revoked and re-keyed sessions", async () => {
    const stub = freshUser();
    const a = await stub.createSession({ keyId: "k1" });
    expect(await stub.extend("nosuchsession00")).toEqual({ ok: false, reason: "invalid" });
    expect(await stub.extend("x".repeat(300))).toEqual({ ok: false, reason: "invalid" });
    expect(await stub.extend(7 as unknown as string)).toEqual({ ok: false, reason: "invalid" });
    expect(await stub.extend(a.sessionId, {}, "k2")).toEqual({ ok: false, reason: "revoked" });
    expect(await stub.isActive(a.sessionId)).toBe(false);
    const b = await stub.createSession({ keyId: "k1" });
    expect(await stub.revokeSession(b.sessionId)).toBe(true);
    expect(await stub.extend(b.sessionId, {}, "k1")).toEqual({ ok: false, reason: "revoked" });
  });
});

describe("rotation and use", () => {
  it("a refresh-token rotation slides the idle timeout and keeps the cap", async () => {
    const stub = freshUser();
    const issued = await stub.createSession({ ttl: 2 * HOUR, maxLifetime: 3 * HOUR });
    await travel(stub, 1.5 * HOUR * 1000);
    const rotated = await stub.refresh(issued.refreshToken);
    if (!rotated.ok) throw new Error("refresh failed");
    const row = await storedLifetime(stub, issued.sessionId);
    expect(rotated.expiresAt).toBe(row.max_expires);
    await travel(stub, 1.5 * HOUR * 1000 + 1000);
    expect(await stub.refresh(rotated.refreshToken)).toEqual({ ok: false, reason: "expired" });
  });

  it("using the session (the access-token check) slides the idle timeout, never past the cap", async () => {
    const stub = freshUser();
    const issued = await stub.createSession({ ttl: 2 * HOUR, maxLifetime: 3 * HOUR });
    await travel(stub, 1.5 * HOUR * 1000);
    expect(await stub.isActive(issued.sessionId)).toBe(true);
    const used = await storedLifetime(stub, issued.sessionId);
    expect(used.expires).toBe(used.max_expires);
    expect(Date.now() - used.last_seen).toBeLessThan(TOUCH_INTERVAL_MS);
    await travel(stub, 1.5 * HOUR * 1000 + 1000);
    expect(await stub.isActive(issued.sessionId)).toBe(false);
  });
});

describe("storage upgrade", () => {
  it("gives sessions stored before the cap existed the default cap when the object starts", async () => {
    const stub = freshUser();
    const issued = await stub.createSession({});
    await runInDurableObject(stub, (_i, state) => {
      state.storage.sql.exec("UPDATE sessions SET max_expires = 0");
    });
    await evictDurableObject(stub);
    const row = await storedLifetime(stub, issued.sessionId);
    expect(row.max_expires - row.created).toBe(365 * DAY_MS);
    expect((await stub.extend(issued.sessionId)).ok).toBe(true);
  });
});
