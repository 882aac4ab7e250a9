/**
 * Sessions over time through the official pocketbase SDK: months of auth-refresh keep one session alive, the
 * idle timeout and the absolute cap end it, `authToken.duration` sets the token lifetime, impersonation tokens
 * come back unchanged, and the `id` claim lets the SDK update its auth store. Time is simulated by ageing the
 * session in its object's storage (time-travel.ts); tokens are real.
 */
import { env } from "cloudflare:workers";
import { ClientResponseError } from "pocketbase";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { clearDevOutbox, readDevOutbox } from "../../../src/auth/mailer";
import { userSessionsStub } from "../../../src/auth/session-routing";
import { sdkClient } from "../../compat/sdk-client";
import { apiJson } from "../../helpers/request";
import { authed, createSuperuser, type Json, PASSWORD, signIn } from "../../http/routes/auth-helpers";
import { DAY_MS, storedLifetime, travel } from "./time-travel";

let su: string;

beforeAll(async () => {
  await createSuperuser("root@example.com");
  su = (await signIn("root@example.com", "_superusers")).token;
});
beforeEach(() => clearDevOutbox());

function claimsOf(token: string): Json {
  return JSON.parse(atob((token.split(".")[1] ?? "").replaceAll("-", "+").replaceAll("_", "/")));
}

function superuser(method: string, path: string, body: unknown): Promise<Response> {
  return authed(su, path, {
    method,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

/** Creates an open auth collection with these `authToken` options and signs a user up in it; returns its id. */
async function collectionWithUser(name: string, authToken: Json, email: string) {
  const created = await superuser("POST", "/api/collections", {
    name,
    type: "auth",
    createRule: "",
    viewRule: "id = @request.auth.id",
    updateRule: "id = @request.auth.id",
    authToken,
  });
  expect(created.status).toBe(200);
  const collection = (await created.json()) as Json;
  const res = await apiJson("POST", `/api/collections/${name}/records`, {
    email,
    password: PASSWORD,
    passwordConfirm: PASSWORD,
  });
  expect(res.status).toBe(200);
  const userId = ((await res.json()) as Json).id as string;
  return {
    collectionId: collection.id as string,
    userId,
    stub: userSessionsStub(env.USER_SESSIONS, collection.id, userId),
  };
}

async function refreshStatus(pb: ReturnType<typeof sdkClient>, collection: string): Promise<number> {
  try {
    await pb.collection(collection).authRefresh();
    return 200;
  } catch (error) {
    if (error instanceof ClientResponseError) return error.status;
    throw error;
  }
}

describe("an SDK session over months", () => {
  it("stays signed in across a year of refreshes every 14 days, then the 1-year cap ends it", async () => {
    const { stub } = await collectionWithUser("monthly", { duration: 604_800 }, "m@example.com");
    const pb = sdkClient();
    await pb.collection("monthly").authWithPassword("m@example.com", PASSWORD);
    const sid = claimsOf(pb.authStore.token).sid;
    let refreshes = 0;
    for (;;) {
      await travel(stub, 14 * DAY_MS);
      if ((await refreshStatus(pb, "monthly")) !== 200) break;
      refreshes += 1;
      const claims = claimsOf(pb.authStore.token);
      expect(claims.sid).toBe(sid);
      expect(pb.authStore.isValid).toBe(true);
      if (refreshes > 30) throw new Error("the absolute cap never ended the session");
    }
    // 26 × 14 = 364 days in: the last refresh succeeded; at 378 days the cap (365) had passed.
    expect(refreshes).toBe(26);
    const last = claimsOf(pb.authStore.token);
    // That last token was cut to the session's remaining day, not the 7-day duration.
    expect(last.exp - last.iat).toBeGreaterThan(86_400 - 60);
    expect(last.exp - last.iat).toBeLessThanOrEqual(86_400);
    expect(await stub.isActive(sid)).toBe(false);
  });

  it("is signed out after the default 30-day idle timeout, though it was refreshed on day 29", async () => {
    const { stub } = await collectionWithUser("idle", { duration: 604_800 }, "i@example.com");
    const pb = sdkClient();
    await pb.collection("idle").authWithPassword("i@example.com", PASSWORD);
    const sid = claimsOf(pb.authStore.token).sid;
    await travel(stub, 29 * DAY_MS);
    expect(await refreshStatus(pb, "idle")).toBe(200);
    // A fixed 30 days from sign-in would end it here; the refresh moved the timeout to day 59.
    await travel(stub, 29 * DAY_MS);
    expect(await refreshStatus(pb, "idle")).toBe(200);
    await travel(stub, 30 * DAY_MS + 60_000);
    expect(await refreshStatus(pb, "idle")).toBe(401);
    expect(await stub.isActive(sid)).toBe(false);
    // The session is gone from the list at once (the access-token check may trust a cached "yes" up to 5 s).
    const list = await pb.send("/api/sessions", { method: "GET" });
    expect(list.items).toEqual([]);
  });

  it("honours a configured idle timeout and cap, on both refresh styles", async () => {
    const { stub } = await collectionWithUser(
      "short",
      { duration: 3_600, idleTimeout: 7_200, maxLifetime: 14_400 },
      "s@example.com",
    );
    const rotating = await signIn("s@example.com", "short");
    const pb = sdkClient();
    await pb.collection("short").authWithPassword("s@example.com", PASSWORD);
    const row = await storedLifetime(stub, claimsOf(pb.authStore.token).sid);
    expect(row.ttl_seconds).toBe(7_200);
    expect(row.max_expires - row.created).toBe(14_400_000);
    await travel(stub, 7_000_000);
    expect(await refreshStatus(pb, "short")).toBe(200);
    const rotated = await apiJson("POST", "/api/collections/short/auth-refresh", {
      refreshToken: rotating.refreshToken,
    });
    expect(rotated.status).toBe(200);
    const next = (await rotated.json()) as Json;
    // 7 000 s of 14 400 gone: the token keeps its 1-hour duration.
    expect(claimsOf(next.token).exp - claimsOf(next.token).iat).toBe(3_600);
    await travel(stub, 7_000_000);
    // 14 000 s in: both sessions live on, but only to the cap (400 s left), and so do their tokens.
    expect(await refreshStatus(pb, "short")).toBe(200);
    const capped = claimsOf(pb.authStore.token);
    expect(capped.exp - capped.iat).toBeLessThanOrEqual(400);
    expect(capped.exp - capped.iat).toBeGreaterThan(300);
    const again = await apiJson("POST", "/api/collections/short/auth-refresh", {
      refreshToken: next.refreshToken,
    });
    expect(again.status).toBe(200);
    const last = (await again.json()) as Json;
    await travel(stub, 500_000);
    expect(await refreshStatus(pb, "short")).toBe(401);
    const late = await apiJson("POST", "/api/collections/short/auth-refresh", {
      refreshToken: last.refreshToken,
    });
    expect(late.status).toBe(401);
    expect(await late.json()).toMatchObject({ status: 401, data: {} });
  });
});

describe("authToken.duration", () => {
  it("sets the access token's exp on sign-in and on both refresh styles", async () => {
    await collectionWithUser("brief", { duration: 120 }, "b@example.com");
    const signedIn = await signIn("b@example.com", "brief");
    expect(claimsOf(signedIn.token).exp - claimsOf(signedIn.token).iat).toBe(120);
    const header = await apiJson(
      "POST",
      "/api/collections/brief/auth-refresh",
      {},
      { authorization: signedIn.token },
    );
    expect(header.status).toBe(200);
    const renewed = (await header.json()) as Json;
    expect(claimsOf(renewed.token).exp - claimsOf(renewed.token).iat).toBe(120);
    const body = await apiJson("POST", "/api/collections/brief/auth-refresh", {
      refreshToken: signedIn.refreshToken,
    });
    const rotated = (await body.json()) as Json;
    expect(claimsOf(rotated.token).exp - claimsOf(rotated.token).iat).toBe(120);
  });

  it("refuses lifetimes out of range with a 400 naming the field, and keeps the stored ones", async () => {
    await collectionWithUser("bounded", { duration: 600, idleTimeout: 3_600 }, "bd@example.com");
    for (const authToken of [
      { duration: 600, idleTimeout: 10 },
      { duration: 600, idleTimeout: 366 * 86_400 },
      { duration: 600, maxLifetime: 6 * 365 * 86_400 },
      { duration: 600, maxLifetime: "forever" },
      { duration: 600, idleTimeout: 3_600.5 },
    ]) {
      const res = await superuser("PATCH", "/api/collections/bounded", { authToken });
      expect(res.status).toBe(400);
      const error = (await res.json()) as Json;
      expect(error).toMatchObject({ status: 400 });
      expect(Object.keys(error.data).join(" ")).toMatch(/authToken\.(idleTimeout|maxLifetime)/);
    }
    const stored = (await (await authed(su, "/api/collections/bounded")).json()) as Json;
    expect(stored.authToken).toEqual({ duration: 600, idleTimeout: 3_600 });
    expect(JSON.stringify(stored)).not.toContain("tokenSecret");
  });
});

describe("impersonation refresh", () => {
  it("returns the same token with the record's fresh data and leaves the session as it was", async () => {
    const { userId, stub } = await collectionWithUser("imps", { duration: 604_800 }, "imp@example.com");
    const res = await superuser("POST", `/api/collections/imps/impersonate/${userId}`, { duration: 600 });
    expect(res.status).toBe(200);
    const { token, record } = (await res.json()) as Json;
    expect(record.emailVisibility).toBe(false);
    const before = await storedLifetime(stub, claimsOf(token).sid);
    expect(before.expires - before.created).toBe(600_000);
    await superuser("PATCH", `/api/collections/imps/records/${userId}`, { emailVisibility: true });

    const pb = sdkClient();
    pb.authStore.save(token, record);
    const refreshed = await pb.collection("imps").authRefresh();
    expect(refreshed.token).toBe(token);
    expect(refreshed.record.emailVisibility).toBe(true);
    expect(pb.authStore.token).toBe(token);
    expect(pb.authStore.record?.emailVisibility).toBe(true);
    const after = await storedLifetime(stub, claimsOf(token).sid);
    expect(after.expires).toBe(before.expires);
    expect(after.max_expires).toBe(before.max_expires);
  });

  it("refuses an impersonation token whose session was revoked", async () => {
    const { userId, stub } = await collectionWithUser("impr", { duration: 604_800 }, "impr@example.com");
    const res = await superuser("POST", `/api/collections/impr/impersonate/${userId}`, {});
    const { token } = (await res.json()) as Json;
    expect(await stub.revokeSession(claimsOf(token).sid)).toBe(true);
    // The revoking isolate is the test's, not the Worker's: its cached "yes" lasts at most 5 s.
    await new Promise((resolve) => setTimeout(resolve, 5_100));
    const renew = await apiJson("POST", "/api/collections/impr/auth-refresh", {}, { authorization: token });
    expect(renew.status).toBe(401);
  });
});

describe("PocketBase's id claim", () => {
  function lastTokenTo(to: string): string {
    const mail = readDevOutbox()
      .filter((m) => m.to === to)
      .at(-1);
    const match = /\/auth\/confirm-[a-z-]+\/([^\s"<]+)/.exec(mail?.text ?? "");
    return decodeURIComponent(match?.[1] ?? "");
  }

  it("is on access tokens next to sub", async () => {
    const { userId } = await collectionWithUser("claims", { duration: 600 }, "c@example.com");
    const { token } = await signIn("c@example.com", "claims");
    expect(claimsOf(token)).toMatchObject({ id: userId, sub: userId, type: "auth", refreshable: true });
  });

  it("lets confirmVerification() mark the stored record verified", async () => {
    await collectionWithUser("verif", { duration: 600 }, "v@example.com");
    const pb = sdkClient();
    await pb.collection("verif").authWithPassword("v@example.com", PASSWORD);
    expect(pb.authStore.record?.verified).toBe(false);
    await pb.collection("verif").requestVerification("v@example.com");
    const token = lastTokenTo("v@example.com");
    expect(claimsOf(token).id).toBe(pb.authStore.record?.id);
    await pb.collection("verif").confirmVerification(token);
    expect(pb.authStore.record?.verified).toBe(true);
    expect(pb.authStore.isValid).toBe(true);
  });

  it("lets confirmEmailChange() clear the auth store", async () => {
    await collectionWithUser("change", { duration: 600 }, "old@example.com");
    const pb = sdkClient();
    await pb.collection("change").authWithPassword("old@example.com", PASSWORD);
    await pb.collection("change").requestEmailChange("new@example.com");
    const token = lastTokenTo("new@example.com");
    await pb.collection("change").confirmEmailChange(token, PASSWORD);
    expect(pb.authStore.token).toBe("");
    expect(pb.authStore.record).toBeNull();
  });
});
