import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { authenticateAccessToken, resolveToken, type TokenSubjectLoader } from "../../src/auth/authenticate";
import { createSessionChecker } from "../../src/auth/session-check";
import { userSessionsStub } from "../../src/auth/session-routing";
import { TokenError } from "../../src/auth/token-error";
import { signToken } from "../../src/auth/tokens";
import { VerifiedTokens } from "../../src/auth/verified-tokens";
import { generateTokenKey, generateTokenSecret } from "../../src/lib/secrets";

interface User {
  id: string;
  email: string;
  tokenKey: string;
}

/** An in-memory stand-in for the collections/records layers (they are built elsewhere). */
function directory() {
  const secrets = new Map([["pbc_users000001", generateTokenSecret()]]);
  const users = new Map<string, User>();
  const loader: TokenSubjectLoader<User> = {
    secret: async (collectionId) => secrets.get(collectionId),
    subject: async (_collectionId, id) => {
      const user = users.get(id);
      return user && { tokenKey: user.tokenKey, record: user };
    },
  };
  return { secrets, users, loader };
}

let counter = 0;
async function signedIn(dir: ReturnType<typeof directory>) {
  counter += 1;
  const user = {
    id: `authuser${String(counter).padStart(7, "0")}`,
    email: "a@b.co",
    tokenKey: generateTokenKey(),
  };
  dir.users.set(user.id, user);
  const collectionId = "pbc_users000001";
  const { sessionId } = await userSessionsStub(env.USER_SESSIONS, collectionId, user.id).createSession({});
  const token = await signToken(
    "auth",
    { sub: user.id, sid: sessionId, collectionId, refreshable: true },
    { secret: dir.secrets.get(collectionId) ?? "", tokenKey: user.tokenKey, ttlSeconds: 600 },
  );
  return { user, token, sessionId, collectionId };
}

async function reasonOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TokenError);
  return (error as TokenError).reason;
}

describe("authenticateAccessToken", () => {
  it("returns the claims and the record for a live session", async () => {
    const dir = directory();
    const { user, token, sessionId } = await signedIn(dir);
    const result = await authenticateAccessToken(token, dir.loader, createSessionChecker(env.USER_SESSIONS));
    expect(result.record).toBe(user);
    expect(result.claims).toMatchObject({ sub: user.id, sid: sessionId, type: "auth" });
  });

  it("refuses the token once its session is revoked (on a later request)", async () => {
    const dir = directory();
    const { user, token, sessionId, collectionId } = await signedIn(dir);
    const sessions = createSessionChecker(env.USER_SESSIONS);
    await authenticateAccessToken(token, dir.loader, sessions);
    await sessions.revokeSession({ collectionId, userId: user.id, sessionId });
    expect(await reasonOf(authenticateAccessToken(token, dir.loader, sessions))).toBe("session");
  });

  it("refuses the token of a deleted user", async () => {
    const dir = directory();
    const { user, token } = await signedIn(dir);
    dir.users.delete(user.id);
    expect(
      await reasonOf(authenticateAccessToken(token, dir.loader, createSessionChecker(env.USER_SESSIONS))),
    ).toBe("signature");
  });

  it("refuses every token issued before a password change (new tokenKey)", async () => {
    const dir = directory();
    const { user, token } = await signedIn(dir);
    user.tokenKey = generateTokenKey();
    expect(
      await reasonOf(authenticateAccessToken(token, dir.loader, createSessionChecker(env.USER_SESSIONS))),
    ).toBe("signature");
  });

  it("refuses a token of a collection that no longer exists, and garbage", async () => {
    const dir = directory();
    const { token } = await signedIn(dir);
    dir.secrets.clear();
    const sessions = createSessionChecker(env.USER_SESSIONS);
    expect(await reasonOf(authenticateAccessToken(token, dir.loader, sessions))).toBe("signature");
    expect(await reasonOf(authenticateAccessToken("garbage", dir.loader, sessions))).toBe("malformed");
  });
});

describe("authenticateAccessToken with the verified-token memo", () => {
  it("serves each token its own claims and record, and re-reads the record every time", async () => {
    const dir = directory();
    const verified = new VerifiedTokens();
    const sessions = createSessionChecker(env.USER_SESSIONS);
    const a = await signedIn(dir);
    const b = await signedIn(dir);
    for (let round = 0; round < 2; round++) {
      const ra = await authenticateAccessToken(a.token, dir.loader, sessions, { verified });
      const rb = await authenticateAccessToken(b.token, dir.loader, sessions, { verified });
      expect(ra.record).toBe(a.user);
      expect(ra.claims.sub).toBe(a.user.id);
      expect(rb.record).toBe(b.user);
      expect(rb.claims.sub).toBe(b.user.id);
    }
    expect(verified.size).toBe(2);
    // The record is loaded on every hit: an updated record is what the next request sees.
    const updated = { ...a.user, email: "new@b.co" };
    dir.users.set(a.user.id, updated);
    expect((await authenticateAccessToken(a.token, dir.loader, sessions, { verified })).record).toBe(updated);
  });

  it("refuses a remembered token after a password change, a secret rotation, a deletion or a revocation", async () => {
    const dir = directory();
    const verified = new VerifiedTokens();
    const sessions = createSessionChecker(env.USER_SESSIONS);
    const rekeyed = await signedIn(dir);
    const deleted = await signedIn(dir);
    const revoked = await signedIn(dir);
    for (const s of [rekeyed, deleted, revoked]) {
      await authenticateAccessToken(s.token, dir.loader, sessions, { verified });
    }
    rekeyed.user.tokenKey = generateTokenKey();
    dir.users.delete(deleted.user.id);
    await sessions.revokeSession({
      collectionId: revoked.collectionId,
      userId: revoked.user.id,
      sessionId: revoked.sessionId,
    });
    const again = (s: { token: string }) =>
      authenticateAccessToken(s.token, dir.loader, sessions, { verified });
    expect(await reasonOf(again(rekeyed))).toBe("signature");
    expect(await reasonOf(again(deleted))).toBe("signature");
    expect(await reasonOf(again(revoked))).toBe("session");
    const fresh = await signedIn(dir);
    await authenticateAccessToken(fresh.token, dir.loader, sessions, { verified });
    dir.secrets.set(fresh.collectionId, generateTokenSecret());
    expect(await reasonOf(again(fresh))).toBe("signature");
  });

  it("refuses a remembered token once it has expired", async () => {
    const dir = directory();
    const verified = new VerifiedTokens();
    const sessions = createSessionChecker(env.USER_SESSIONS);
    const s = await signedIn(dir);
    const claims = (await authenticateAccessToken(s.token, dir.loader, sessions, { verified })).claims;
    const later = new Date((claims.exp + 60) * 1000);
    expect(
      await reasonOf(authenticateAccessToken(s.token, dir.loader, sessions, { verified, now: later })),
    ).toBe("expired");
  });

  it("keeps at most its bound, and remembers no refused token", async () => {
    const dir = directory();
    const verified = new VerifiedTokens(3);
    const sessions = createSessionChecker(env.USER_SESSIONS);
    for (let i = 0; i < 5; i++) {
      const s = await signedIn(dir);
      await authenticateAccessToken(s.token, dir.loader, sessions, { verified });
    }
    expect(verified.size).toBe(3);
    const empty = new VerifiedTokens();
    const s = await signedIn(dir);
    s.user.tokenKey = generateTokenKey();
    expect(await reasonOf(authenticateAccessToken(s.token, dir.loader, sessions, { verified: empty }))).toBe(
      "signature",
    );
    expect(empty.size).toBe(0);
  });
});

describe("resolveToken", () => {
  it("resolves a verification token and refuses it as another type before any lookup", async () => {
    const dir = directory();
    const { user, collectionId } = await signedIn(dir);
    const token = await signToken(
      "verification",
      { sub: user.id, collectionId, email: user.email },
      { secret: dir.secrets.get(collectionId) ?? "", tokenKey: user.tokenKey },
    );
    expect((await resolveToken(token, "verification", dir.loader)).claims.email).toBe("a@b.co");
    let lookups = 0;
    const counting: TokenSubjectLoader<User> = {
      secret: async (id) => {
        lookups += 1;
        return dir.loader.secret(id);
      },
      subject: dir.loader.subject,
    };
    expect(await reasonOf(resolveToken(token, "passwordReset", counting))).toBe("type");
    expect(await reasonOf(resolveToken(token, "verification", counting, { collectionId: "pbc_other" }))).toBe(
      "collection",
    );
    expect(lookups).toBe(0);
    expect((await resolveToken(token, "verification", dir.loader, { collectionId })).record).toBe(user);
  });
});
