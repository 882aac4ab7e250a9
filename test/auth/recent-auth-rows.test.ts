/**
 * The token middleware's memo of auth records: reused for its bound, forgotten at once when the record changes in
 * this isolate, never kept across a schema change, a concurrent change or a missing record; and through the app, a
 * signed-in request reads its record once per bound while password changes and edits made here apply at once.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createEdgebase } from "../../src/app";
import { RECENT_AUTH_ROW_MS, RecentAuthRows } from "../../src/auth/recent-auth-rows";
import { SESSION_CHECK_CACHE_MS } from "../../src/auth/session-check";
import type { AuthCollection } from "../../src/collections/collection";
import type { ChangeEvent } from "../../src/records/events";
import { proxyD1 } from "../helpers/d1-proxy";

type Row = { id: string; tokenKey: string; name: string };

const users = { id: "_pb_users_auth_", name: "users", type: "auth" } as AuthCollection;
const row = (name: string): Row => ({ id: "u1", tokenKey: "k1", name });

/** A loader that counts its calls and answers `next`. */
function loader(next: () => Row | undefined) {
  const counter = { calls: 0 };
  const load = async () => {
    counter.calls++;
    return next();
  };
  return { load, counter };
}

const update = (collection: AuthCollection, id: string): ChangeEvent => ({
  action: "update",
  collection,
  record: { id },
  oldRecord: { id },
});

describe("RecentAuthRows", () => {
  it("has the session check's bound", () => {
    expect(RECENT_AUTH_ROW_MS).toBe(SESSION_CHECK_CACHE_MS);
  });

  it("reuses a row until its bound has passed, then reads again", async () => {
    let now = 1_000;
    const recent = new RecentAuthRows({ now: () => now });
    let name = "first";
    const { load, counter } = loader(() => row(name));
    expect(await recent.get(users, "u1", load)).toEqual(row("first"));
    name = "second";
    now += RECENT_AUTH_ROW_MS - 1;
    expect(await recent.get(users, "u1", load)).toEqual(row("first"));
    expect(counter.calls).toBe(1);
    now += 1;
    expect(await recent.get(users, "u1", load)).toEqual(row("second"));
    expect(counter.calls).toBe(2);
  });

  it("forgets a record a committed change here touched, before the sink's promise settles", async () => {
    const recent = new RecentAuthRows();
    let name = "before";
    const { load, counter } = loader(() => row(name));
    await recent.get(users, "u1", load);
    name = "after";
    void recent.sink().emit([update(users, "u1")]);
    expect(await recent.get(users, "u1", load)).toEqual(row("after"));
    expect(counter.calls).toBe(2);
  });

  it("keeps records of other ids and of non-auth collections' events", async () => {
    const recent = new RecentAuthRows();
    const { load, counter } = loader(() => row("x"));
    await recent.get(users, "u1", load);
    const posts = { id: "posts", name: "posts", type: "base" } as unknown as AuthCollection;
    await recent.sink().emit([update(users, "u2"), update(posts, "u1")]);
    await recent.get(users, "u1", load);
    expect(counter.calls).toBe(1);
  });

  it("does not remember a read that a change overtook", async () => {
    const recent = new RecentAuthRows();
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slow = recent.get(users, "u1", async () => {
      await gate;
      return row("read before the change");
    });
    await recent.sink().emit([update(users, "u1")]);
    release();
    expect(await slow).toEqual(row("read before the change"));
    const { load, counter } = loader(() => row("after the change"));
    expect(await recent.get(users, "u1", load)).toEqual(row("after the change"));
    expect(counter.calls).toBe(1);
  });

  it("misses under another definition of the collection (a schema change)", async () => {
    const recent = new RecentAuthRows();
    const { load, counter } = loader(() => row("x"));
    await recent.get(users, "u1", load);
    await recent.get({ ...users } as AuthCollection, "u1", load);
    expect(counter.calls).toBe(2);
  });

  it("never remembers a missing record", async () => {
    const recent = new RecentAuthRows();
    const { load, counter } = loader(() => undefined);
    expect(await recent.get(users, "gone", load)).toBeUndefined();
    expect(await recent.get(users, "gone", load)).toBeUndefined();
    expect(counter.calls).toBe(2);
    expect(recent.size).toBe(0);
  });

  it("is bounded", async () => {
    const recent = new RecentAuthRows({ maxEntries: 3 });
    for (let i = 0; i < 10; i++) await recent.get(users, `u${i}`, async () => row(`n${i}`));
    expect(recent.size).toBe(3);
  });
});

describe("the token middleware", () => {
  /** An app whose D1 binding counts the SELECTs of `users` rows by id (the token's record load). */
  function countingApp() {
    const counter = { loads: 0 };
    const db = proxyD1(env.DB, {
      prepare(real, sql) {
        if (sql.startsWith("SELECT * FROM `users` WHERE id = ?")) counter.loads++;
        return real.prepare(sql);
      },
      batch: (real, statements) => real.batch(statements),
    });
    const app = createEdgebase({ logLevel: "off" });
    const send = async (method: string, path: string, token?: string, body?: unknown) => {
      const ctx = createExecutionContext();
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (token) headers.authorization = token;
      const res = await app.fetch(
        new Request(`http://edgebase.test${path}`, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
        }),
        { ...env, DB: db },
        ctx,
      );
      await waitOnExecutionContext(ctx);
      return res;
    };
    return { send, counter };
  }

  async function signedUp(send: ReturnType<typeof countingApp>["send"], email: string) {
    const password = "correct horse battery";
    const created = await send("POST", "/api/collections/users/records", undefined, {
      email,
      password,
      passwordConfirm: password,
      name: "first",
    });
    expect(created.status).toBe(200);
    const signIn = await send("POST", "/api/collections/users/auth-with-password", undefined, {
      identity: email,
      password,
    });
    expect(signIn.status).toBe(200);
    const { token, record } = (await signIn.json()) as { token: string; record: { id: string } };
    return { token, id: record.id, password };
  }

  it("reads a signed-in caller's record once within the bound; an edit made here is seen by the next request", async () => {
    const { send, counter } = countingApp();
    const { token, id } = await signedUp(send, "recent-1@example.com");
    const view = `/api/collections/users/records/${id}`;
    const before = counter.loads;
    expect((await send("GET", view, token)).status).toBe(200);
    expect((await send("GET", view, token)).status).toBe(200);
    // The first request loads the token's record; the second reuses it (the view's own read is separate SQL).
    expect(counter.loads - before).toBe(1);

    const edited = await send("PATCH", view, token, { name: "second" });
    expect(edited.status).toBe(200);
    const loads = counter.loads;
    const me = await send("GET", view, token);
    expect(me.status).toBe(200);
    expect(counter.loads - loads).toBe(1);
  });

  it("refuses the old token at once after a password change made here, on any route", async () => {
    const { send } = countingApp();
    const { token, id, password } = await signedUp(send, "recent-2@example.com");
    const view = `/api/collections/users/records/${id}`;
    expect((await send("GET", view, token)).status).toBe(200);
    const changed = await send("PATCH", view, token, {
      oldPassword: password,
      password: "a new password 123",
      passwordConfirm: "a new password 123",
    });
    expect(changed.status).toBe(200);
    const after = await send("GET", view, token);
    // A refused token makes the request a guest one (the users viewRule then hides the record).
    expect(after.headers.get("www-authenticate")).toContain("invalid_token");
    expect(after.status).toBe(404);
  });

  it("reads the record fresh on auth-refresh, where new tokens are signed from it", async () => {
    const { send, counter } = countingApp();
    const { token, id } = await signedUp(send, "recent-3@example.com");
    expect((await send("GET", `/api/collections/users/records/${id}`, token)).status).toBe(200);
    const before = counter.loads;
    const refreshed = await send("POST", "/api/collections/users/auth-refresh", token);
    expect(refreshed.status).toBe(200);
    expect(counter.loads - before).toBe(1);
  });
});
