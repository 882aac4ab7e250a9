import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createSessionChecker, SESSION_CHECK_CACHE_MS } from "../../src/auth/session-check";
import { userSessionsStub } from "../../src/auth/session-routing";

let counter = 0;
async function signedInUser() {
  counter += 1;
  const user = { collectionId: "users", userId: `checkuser${String(counter).padStart(6, "0")}` };
  const stub = userSessionsStub(env.USER_SESSIONS, user.collectionId, user.userId);
  const session = await stub.createSession({});
  return { ...user, stub, sessionId: session.sessionId };
}

function clock() {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe("session checker (revocation bound)", () => {
  it("answers from the user's object", async () => {
    const user = await signedInUser();
    const checker = createSessionChecker(env.USER_SESSIONS);
    expect(await checker.isActive(user)).toBe(true);
    expect(await checker.isActive({ ...user, sessionId: "unknown" })).toBe(false);
  });

  it(`sees a revocation made elsewhere within ${SESSION_CHECK_CACHE_MS} ms`, async () => {
    const user = await signedInUser();
    const time = clock();
    const checker = createSessionChecker(env.USER_SESSIONS, { now: time.now });
    expect(await checker.isActive(user)).toBe(true);
    // Another isolate revokes: this one may trust its cached "yes" for at most the bound.
    await user.stub.revokeSession(user.sessionId);
    time.advance(SESSION_CHECK_CACHE_MS - 1);
    expect(await checker.isActive(user)).toBe(true);
    time.advance(1);
    expect(await checker.isActive(user)).toBe(false);
  });

  it("refuses at once in the isolate that revoked the session", async () => {
    const user = await signedInUser();
    const time = clock();
    const checker = createSessionChecker(env.USER_SESSIONS, { now: time.now });
    expect(await checker.isActive(user)).toBe(true);
    expect(await checker.revokeSession(user)).toBe(true);
    expect(await checker.isActive(user)).toBe(false);
  });

  it("revokeAll drops every cached answer of that user, keeping the excepted session", async () => {
    const user = await signedInUser();
    const other = (await user.stub.createSession({})).sessionId;
    const checker = createSessionChecker(env.USER_SESSIONS, { now: clock().now });
    expect(await checker.isActive(user)).toBe(true);
    expect(await checker.isActive({ ...user, sessionId: other })).toBe(true);
    expect(await checker.revokeAll(user, { except: other })).toBe(1);
    expect(await checker.isActive(user)).toBe(false);
    expect(await checker.isActive({ ...user, sessionId: other })).toBe(true);
  });

  it("keeps its cache bounded", async () => {
    const user = await signedInUser();
    const checker = createSessionChecker(env.USER_SESSIONS, { maxEntries: 3 });
    for (let i = 0; i < 6; i++) await checker.isActive({ ...user, sessionId: `s${i}` });
    expect(checker.size()).toBe(3);
  });
});
