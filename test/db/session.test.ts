import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { params } from "../../src/db/schema";
import {
  MAX_BOOKMARK_LENGTH,
  newestBookmark,
  openSession,
  parseBookmark,
  RequestSessions,
  sessionBookmark,
} from "../../src/db/session";

const REAL_SHAPE = "00000085-0000024c-00004c6d-8e61117bf38d7adb71b934ebbf891683";

describe("parseBookmark", () => {
  it.each([
    ["a D1 bookmark", REAL_SHAPE, REAL_SHAPE],
    ["upper-case hex", REAL_SHAPE.toUpperCase(), REAL_SHAPE.toUpperCase()],
    ["null", null, null],
    ["undefined", undefined, null],
    ["empty", "", null],
    ["a constraint name", "first-primary", null],
    ["another constraint name", "first-unconstrained", null],
    ["no dash", "0000008500000024c", null],
    ["non-hex", "0000zz85-0000024c", null],
    ["trailing dash", "00000085-", null],
    ["whitespace", " 00000085-0000024c", null],
    ["a header injection attempt", "00000085-0000024c\r\nx-evil: 1", null],
    ["too long", `${"a".repeat(60)}-${"b".repeat(MAX_BOOKMARK_LENGTH)}`, null],
  ])("%s", (_name, raw, expected) => {
    expect(parseBookmark(raw)).toBe(expected);
  });
});

describe("newestBookmark", () => {
  it("picks the lexicographically greatest and skips empties", () => {
    expect(newestBookmark("00000001-00000002", null, "00000001-00000010", undefined)).toBe(
      "00000001-00000010",
    );
    expect(newestBookmark(null, undefined, "")).toBeNull();
    expect(newestBookmark()).toBeNull();
  });
});

describe("openSession", () => {
  it("has no bookmark before its first query and one after", async () => {
    const session = openSession(env.DB, null);
    expect(sessionBookmark(session)).toBeNull();
    await session.prepare("SELECT 1").first();
    expect(parseBookmark(sessionBookmark(session))).not.toBeNull();
  });

  it("continues from a previous session's bookmark and sees its writes", async () => {
    const writer = openSession(env.DB, null, "primary");
    await writer.prepare("INSERT INTO _params (key, value) VALUES ('session-a', '1')").run();
    const bookmark = sessionBookmark(writer);
    expect(bookmark).not.toBeNull();

    const reader = openSession(env.DB, bookmark);
    const row = await reader.prepare("SELECT value FROM _params WHERE key = 'session-a'").first("value");
    expect(row).toBe("1");
    expect(sessionBookmark(reader)! >= bookmark!).toBe(true);
  });

  it("ignores a malformed bookmark instead of failing", async () => {
    const session = openSession(env.DB, "not a bookmark");
    expect(await session.prepare("SELECT 2 AS n").first("n")).toBe(2);
  });
});

describe("RequestSessions", () => {
  it("echoes the client's bookmark until a query runs", () => {
    expect(new RequestSessions(env.DB, REAL_SHAPE).bookmark()).toBe(REAL_SHAPE);
    expect(new RequestSessions(env.DB, "junk").bookmark()).toBeNull();
    expect(new RequestSessions(env.DB, null).bookmark()).toBeNull();
  });

  it("opened on the primary, the default session is also the primary one", async () => {
    const sessions = new RequestSessions(env.DB, null, "primary");
    expect(sessions.primary().d1).toBe(sessions.d1);
    expect(sessions.primary().db).toBe(sessions.db);
    expect(await sessions.d1.prepare("SELECT 3 AS n").first("n")).toBe(3);
    expect(sessions.bookmark()).toBe(sessionBookmark(sessions.d1));
    const unconstrained = new RequestSessions(env.DB, null);
    expect(unconstrained.primary().d1).not.toBe(unconstrained.d1);
  });

  it("reports the newest bookmark across the default and the primary session", async () => {
    const sessions = new RequestSessions(env.DB, null);
    await sessions.db.select().from(params).where(eq(params.key, "nothing"));
    const afterRead = sessions.bookmark();
    expect(afterRead).not.toBeNull();

    await sessions
      .primary()
      .db.insert(params)
      .values({ key: "session-b", value: { n: 2 } });
    const afterWrite = sessions.bookmark();
    expect(afterWrite).toBe(sessionBookmark(sessions.primary().d1));
    expect(afterWrite! > afterRead!).toBe(true);
    expect(sessions.primary()).toBe(sessions.primary());

    const next = new RequestSessions(env.DB, afterWrite);
    const rows = await next.db.select().from(params).where(eq(params.key, "session-b"));
    expect(rows.map((r) => r.value)).toEqual([{ n: 2 }]);
  });
});
