import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MAX_SESSIONS_PER_USER, TOUCH_INTERVAL_MS } from "../../src/auth/session-schema";
import { UserSessions } from "../../src/auth/user-sessions";
import { sha256Hex } from "../../src/lib/bytes";

let counter = 0;
/** A fresh user object per test: storage is shared within a file. */
function freshUser() {
  counter += 1;
  return env.USER_SESSIONS.get(env.USER_SESSIONS.idFromName(`test-user-${counter}`));
}

type Stub = ReturnType<typeof freshUser>;

function sql<T extends Record<string, SqlStorageValue>>(
  stub: Stub,
  query: string,
  ...args: SqlStorageValue[]
) {
  return runInDurableObject(stub, (_instance, state) => state.storage.sql.exec<T>(query, ...args).toArray());
}

describe("UserSessions Durable Object", () => {
  it("answers ping over RPC with its own id", async () => {
    const id = env.USER_SESSIONS.idFromName("user-1");
    const result = await env.USER_SESSIONS.get(id).ping();
    expect(result).toEqual({ ok: true, id: id.toString() });
  });

  it("is a SQLite-backed object", async () => {
    const stub = env.USER_SESSIONS.get(env.USER_SESSIONS.idFromName("user-2"));
    await runInDurableObject(stub, (instance, state) => {
      expect(instance).toBeInstanceOf(UserSessions);
      expect(state.storage.sql.exec("SELECT 1 AS one").one()).toEqual({ one: 1 });
    });
  });
});

describe("createSession / listSessions", () => {
  it("creates a listed session and stores only the refresh token's SHA-256", async () => {
    const stub = freshUser();
    const issued = await stub.createSession({ ip: "203.0.113.9", userAgent: "Firefox", ttl: 3600 });
    expect(issued.sessionId).toMatch(/^[a-z0-9]{15}$/);
    expect(issued.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const list = await stub.listSessions();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ id: issued.sessionId, ip: "203.0.113.9", userAgent: "Firefox" });
    expect(list[0]?.created).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(issued.expires).toBe(list[0]?.expires);

    const rows = await sql<{ refresh_hash: string }>(stub, "SELECT refresh_hash FROM sessions");
    expect(rows).toEqual([{ refresh_hash: await sha256Hex(issued.refreshToken) }]);
    const dump = JSON.stringify(await sql(stub, "SELECT * FROM sessions"));
    expect(dump).not.toContain(issued.refreshToken);
  });

  it("cuts over-long display strings and clamps the lifetime", async () => {
    const stub = freshUser();
    await stub.createSession({ userAgent: "u".repeat(5000), ip: "i".repeat(500), ttl: 10 ** 12 });
    const [row] = await sql<{ ua: number; ip: number; ttl_seconds: number }>(
      stub,
      "SELECT length(user_agent) AS ua, length(ip) AS ip, ttl_seconds FROM sessions",
    );
    expect(row).toEqual({ ua: 512, ip: 64, ttl_seconds: 365 * 24 * 3600 });
  });

  it(`keeps at most ${MAX_SESSIONS_PER_USER} active sessions, revoking the least recently seen`, async () => {
    const stub = freshUser();
    const first = await stub.createSession({});
    for (let i = 0; i < MAX_SESSIONS_PER_USER; i++) await stub.createSession({});
    expect(await stub.listSessions()).toHaveLength(MAX_SESSIONS_PER_USER);
    expect(await stub.isActive(first.sessionId)).toBe(false);
  });
});

describe("refresh rotation", () => {
  it("rotates the token: the new one works, the old one is spent", async () => {
    const stub = freshUser();
    const issued = await stub.createSession({ ttl: 3600 });
    const first = await stub.refresh(issued.refreshToken, { ip: "198.51.100.1" });
    expect(first).toMatchObject({ ok: true, sessionId: issued.sessionId });
    if (!first.ok) throw new Error("refresh failed");
    expect(first.refreshToken).not.toBe(issued.refreshToken);
    const second = await stub.refresh(first.refreshToken);
    expect(second.ok).toBe(true);
    const [row] = await sql<{ generation: number; ip: string }>(stub, "SELECT generation, ip FROM sessions");
    expect(row).toEqual({ generation: 2, ip: "198.51.100.1" });
  });

  it("revokes the whole session when a rotated token is reused", async () => {
    const stub = freshUser();
    const issued = await stub.createSession({});
    const rotated = await stub.refresh(issued.refreshToken);
    if (!rotated.ok) throw new Error("refresh failed");
    expect(await stub.refresh(issued.refreshToken)).toEqual({ ok: false, reason: "reused" });
    // The legitimate holder's current token dies with the session.
    expect(await stub.refresh(rotated.refreshToken)).toEqual({ ok: false, reason: "revoked" });
    expect(await stub.isActive(issued.sessionId)).toBe(false);
    expect(await stub.listSessions()).toEqual([]);
    const [row] = await sql<{ revoked_reason: string }>(stub, "SELECT revoked_reason FROM sessions");
    expect(row?.revoked_reason).toBe("reuse");
  });

  it("refuses unknown, malformed and oversized tokens without touching sessions", async () => {
    const stub = freshUser();
    const issued = await stub.createSession({});
    expect(await stub.refresh("A".repeat(43))).toEqual({ ok: false, reason: "invalid" });
    expect(await stub.refresh("x".repeat(10_000))).toEqual({ ok: false, reason: "invalid" });
    expect(await stub.refresh(42 as unknown as string)).toEqual({ ok: false, reason: "invalid" });
    expect(await stub.isActive(issued.sessionId)).toBe(true);
  });

  it("leaves at most one live token when the same token is refreshed in parallel", async () => {
    const stub = freshUser();
    const issued = await stub.createSession({});
    const results = await Promise.all([stub.refresh(issued.refreshToken), stub.refresh(issued.refreshToken)]);
    const winners = results.filter((r) => r.ok);
    expect(winners).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toEqual([{ ok: false, reason: "reused" }]);
    // Count tokens that still refresh: the loser's reuse revoked the session, so none (never two).
    let live = 0;
    for (const r of winners) if (r.ok && (await stub.refresh(r.refreshToken)).ok) live += 1;
    expect(live).toBeLessThanOrEqual(1);
  });

  it("lets exactly one of five parallel refreshes win", async () => {
    const stub = freshUser();
    const issued = await stub.createSession({});
    const results = await Promise.all(Array.from({ length: 5 }, () => stub.refresh(issued.refreshToken)));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(await stub.isActive(issued.sessionId)).toBe(false);
  });
});

describe("revocation", () => {
  it("revokeSession ends one session: gone from the list, inactive, its token refused", async () => {
    const stub = freshUser();
    const a = await stub.createSession({ userAgent: "A" });
    const b = await stub.createSession({ userAgent: "B" });
    expect(await stub.revokeSession(a.sessionId)).toBe(true);
    expect(await stub.revokeSession(a.sessionId)).toBe(false);
    expect(await stub.revokeSession("nope")).toBe(false);
    expect((await stub.listSessions()).map((s) => s.id)).toEqual([b.sessionId]);
    expect(await stub.isActive(a.sessionId)).toBe(false);
    expect(await stub.isActive(b.sessionId)).toBe(true);
    expect(await stub.refresh(a.refreshToken)).toEqual({ ok: false, reason: "revoked" });
  });

  it("revokeAll ends every session, or all but one", async () => {
    const stub = freshUser();
    const a = await stub.createSession({});
    const b = await stub.createSession({});
    const c = await stub.createSession({});
    expect(await stub.revokeAll({ except: c.sessionId })).toBe(2);
    expect((await stub.listSessions()).map((s) => s.id)).toEqual([c.sessionId]);
    expect(await stub.isActive(a.sessionId)).toBe(false);
    expect(await stub.refresh(b.refreshToken)).toEqual({ ok: false, reason: "revoked" });
    expect(await stub.revokeAll()).toBe(1);
    expect(await stub.listSessions()).toEqual([]);
    expect(await stub.revokeAll()).toBe(0);
  });
});

describe("lastSeen", () => {
  it("isActive records a use at most once per touch interval; touch records the client", async () => {
    const stub = freshUser();
    const s = await stub.createSession({ ip: "1.1.1.1" });
    await sql(stub, "UPDATE sessions SET last_seen = 1000");
    expect(await stub.isActive(s.sessionId)).toBe(true);
    const [after] = await sql<{ last_seen: number }>(stub, "SELECT last_seen FROM sessions");
    expect(after?.last_seen).toBeGreaterThan(1000);
    await sql(stub, "UPDATE sessions SET last_seen = ?", (after?.last_seen ?? 0) - TOUCH_INTERVAL_MS / 2);
    await stub.isActive(s.sessionId);
    const [same] = await sql<{ last_seen: number }>(stub, "SELECT last_seen FROM sessions");
    expect(same?.last_seen).toBe((after?.last_seen ?? 0) - TOUCH_INTERVAL_MS / 2);
    expect(await stub.touch(s.sessionId, { ip: "2.2.2.2", userAgent: "Safari" })).toBe(true);
    expect(await stub.listSessions()).toMatchObject([{ ip: "2.2.2.2", userAgent: "Safari" }]);
    expect(await stub.touch("missing")).toBe(false);
  });
});

describe("durability and cleanup", () => {
  it("keeps sessions across eviction (the object is rebuilt from SQLite)", async () => {
    const stub = freshUser();
    const s = await stub.createSession({ userAgent: "before eviction" });
    await evictDurableObject(stub);
    expect(await stub.listSessions()).toMatchObject([{ id: s.sessionId, userAgent: "before eviction" }]);
    expect(await stub.isActive(s.sessionId)).toBe(true);
    const rotated = await stub.refresh(s.refreshToken);
    expect(rotated.ok).toBe(true);
    await evictDurableObject(stub);
    // Reuse detection survives eviction too.
    expect(await stub.refresh(s.refreshToken)).toEqual({ ok: false, reason: "reused" });
  });

  it("refuses expired sessions and deletes them in the alarm, idempotently", async () => {
    const stub = freshUser();
    const old = await stub.createSession({ ttl: 3600 });
    const live = await stub.createSession({ ttl: 7200 });
    const alarmAt = await runInDurableObject(stub, (_i, state) => state.storage.getAlarm());
    const [first] = await sql<{ expires: number }>(stub, "SELECT MIN(expires) AS expires FROM sessions");
    expect(alarmAt).toBe(first?.expires);

    await sql(stub, "UPDATE sessions SET expires = ? WHERE id = ?", Date.now() - 1, old.sessionId);
    expect(await stub.isActive(old.sessionId)).toBe(false);
    expect(await stub.refresh(old.refreshToken)).toEqual({ ok: false, reason: "expired" });
    expect((await stub.listSessions()).map((s) => s.id)).toEqual([live.sessionId]);

    await runInDurableObject(stub, (_i, state) => state.storage.setAlarm(Date.now()));
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await sql(stub, "SELECT id FROM sessions")).toEqual([{ id: live.sessionId }]);
    // At-least-once delivery: running the handler again changes nothing.
    await runInDurableObject(stub, (instance) => instance.alarm());
    expect(await sql(stub, "SELECT id FROM sessions")).toEqual([{ id: live.sessionId }]);
    const next = await runInDurableObject(stub, (_i, state) => state.storage.getAlarm());
    const [remaining] = await sql<{ expires: number }>(stub, "SELECT expires FROM sessions");
    expect(next).toBe(remaining?.expires);
  });

  it("keeps the cleanup alarm no later than any session's expiry across extends, refreshes and alarms", async () => {
    const stub = freshUser();
    const alarm = () => runInDurableObject(stub, (_i, state) => state.storage.getAlarm());
    const expiries = async () =>
      (await sql<{ expires: number }>(stub, "SELECT expires FROM sessions")).map((r) => r.expires);
    const s = await stub.createSession({ ttl: 3600 });
    const armed = await alarm();
    expect(armed).toBe(s.expiresAt);
    // A slid expiry is later: the armed alarm (earlier) stays, and fires early rather than late.
    const extended = await stub.extend(s.sessionId, {}, undefined, { ttl: 7200 });
    expect(extended.ok && extended.expiresAt > s.expiresAt).toBe(true);
    expect(await alarm()).toBe(armed);
    const rotated = await stub.refresh(s.refreshToken, {}, undefined, { ttl: 7200 });
    expect(rotated.ok).toBe(true);
    expect(await alarm()).toBe(armed);
    // The alarm fires: it re-arms at the session's current expiry.
    await runInDurableObject(stub, (_i, state) => state.storage.setAlarm(Date.now()));
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await alarm()).toBe(Math.min(...(await expiries())));
    // A shorter idle timeout moves the expiry earlier than the armed alarm: re-armed to it.
    const shortened = await stub.extend(s.sessionId, {}, undefined, { ttl: 60 });
    expect(shortened.ok).toBe(true);
    expect(await alarm()).toBe(shortened.ok ? shortened.expiresAt : null);
    expect(await alarm()).toBe(Math.min(...(await expiries())));
  });

  it("deletes long-revoked sessions with their rotated hashes", async () => {
    const stub = freshUser();
    const s = await stub.createSession({});
    await stub.refresh(s.refreshToken);
    await stub.revokeSession(s.sessionId);
    await sql(stub, "UPDATE sessions SET revoked = 1");
    await runInDurableObject(stub, (instance) => instance.alarm());
    expect(await sql(stub, "SELECT id FROM sessions")).toEqual([]);
    expect(await sql(stub, "SELECT hash FROM rotated_refresh")).toEqual([]);
  });
});
