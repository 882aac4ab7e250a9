import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { realtimeSink } from "../../src/realtime/publish";
import { change, collectionDef, connectHub, SUPERUSER, user } from "./helpers";

const sink = realtimeSink(env.REALTIME_HUB);
const posts = collectionDef({
  name: "posts",
  listRule: "published = true || owner = @request.auth.id",
  viewRule: "owner = @request.auth.id",
  fields: [
    { name: "id", type: "text" },
    { name: "title", type: "text" },
    { name: "owner", type: "text" },
    { name: "published", type: "bool" },
    { name: "secret", type: "text", hidden: true },
  ] as never,
});
const hub = { kind: "collection", name: "posts" } as const;

describe("RealtimeHub Durable Object", () => {
  it("answers ping with its id and an empty socket count", async () => {
    const id = env.REALTIME_HUB.idFromName("posts");
    expect(await env.REALTIME_HUB.get(id).ping()).toEqual({ ok: true, id: id.toString(), sockets: 0 });
  });

  it("answers ping with pong through the auto-response", async () => {
    const s = await connectHub(hub);
    s.ws.send("ping");
    expect(await s.next()).toBe("pong");
  });

  it("delivers create, update and delete events with increasing seq and the public record", async () => {
    const su = await connectHub(hub, { auth: SUPERUSER });
    expect(await su.subscribe("posts/*")).toEqual({
      type: "subscribed",
      topic: "posts/*",
      seq: expect.any(Number),
    });
    const record = { id: "p1", title: "Hello", owner: "u1", published: true, secret: "s" };
    await sink.emit([change("create", posts, record)]);
    await sink.emit([change("update", posts, { ...record, title: "Hi" })]);
    await sink.emit([change("delete", posts, { ...record, title: "Hi" })]);
    const created = await su.next();
    expect(created).toEqual({
      type: "event",
      topic: "posts/*",
      action: "create",
      seq: expect.any(Number),
      record: { collectionId: "pbc_posts", collectionName: "posts", ...record },
    });
    const updated = await su.next();
    expect(updated.action).toBe("update");
    expect(updated.record.title).toBe("Hi");
    const deleted = await su.next();
    expect(deleted.action).toBe("delete");
    expect([updated.seq - created.seq, deleted.seq - updated.seq]).toEqual([1, 1]);
  });

  it("gates coll/* by listRule and coll/ID by viewRule with each subscriber's auth; hidden fields stay hidden", async () => {
    const alice = await connectHub(hub, { auth: user("alice") });
    const bob = await connectHub(hub, { auth: user("bob") });
    const guest = await connectHub(hub);
    await alice.subscribe("posts/*");
    await bob.subscribe("posts/*");
    await guest.subscribe("posts/d1");
    await bob.subscribe("posts/d1");
    const draft = { id: "d1", title: "Draft", owner: "alice", published: false, secret: "s" };
    await sink.emit([change("create", posts, draft)]);
    const got = await alice.next();
    expect(got.record).toEqual({
      collectionId: "pbc_posts",
      collectionName: "posts",
      id: "d1",
      title: "Draft",
      owner: "alice",
      published: false,
    });
    await bob.expectQuiet("posts/zzz");
    await guest.expectQuiet("posts/zzz");
    await sink.emit([change("update", posts, { ...draft, published: true })]);
    expect((await bob.next()).topic).toBe("posts/*");
    // viewRule (owner only) still hides it from bob's and the guest's posts/d1 subscriptions.
    await bob.expectQuiet("posts/zzz");
    await guest.expectQuiet("posts/zzz");
  });

  it("sends coll/ID subscribers only that record's events", async () => {
    const alice = await connectHub(hub, { auth: user("alice") });
    await alice.subscribe("posts/x2");
    await sink.emit([change("create", posts, { id: "x1", owner: "alice", published: true })]);
    await sink.emit([change("create", posts, { id: "x2", owner: "alice", published: true })]);
    const got = await alice.next();
    expect([got.topic, got.record.id]).toEqual(["posts/x2", "x2"]);
  });

  it("locks a null rule to superusers", async () => {
    const locked = collectionDef({ name: "locked", listRule: null });
    const key = { kind: "collection", name: "locked" } as const;
    const alice = await connectHub(key, { auth: user("alice") });
    const su = await connectHub(key, { auth: SUPERUSER });
    await alice.subscribe("locked/*");
    await su.subscribe("locked/*");
    await sink.emit([change("create", locked, { id: "l1" })]);
    expect((await su.next()).record.id).toBe("l1");
    await alice.expectQuiet("locked/none");
  });

  it("applies the subscriber's filter and fields projection", async () => {
    const su = await connectHub(hub, { auth: SUPERUSER });
    await su.subscribe("posts/*", { filter: "title ~ 'keep'", fields: "id,title" });
    await sink.emit([change("create", posts, { id: "f1", title: "drop me", owner: "o", published: true })]);
    await sink.emit([
      change("create", posts, { id: "f2", title: "keep me", owner: "o", published: true, secret: "s" }),
    ]);
    const got = await su.next();
    expect(got.record).toEqual({ id: "f2", title: "keep me" });
  });

  it("rejects malformed topics, topics of other hubs and bad filters with error messages", async () => {
    const s = await connectHub(hub);
    expect(await s.subscribe("comments/*")).toMatchObject({ type: "error", code: "invalid_topic" });
    expect(await s.subscribe("posts")).toMatchObject({ type: "error", code: "invalid_topic" });
    expect(await s.subscribe("posts/*", { filter: "title ~" })).toMatchObject({
      type: "error",
      code: "invalid_options",
    });
    expect(await s.subscribe("posts/*", { fields: "a b" })).toMatchObject({
      type: "error",
      code: "invalid_options",
    });
    s.ws.send("not json");
    expect(await s.next()).toMatchObject({ type: "error", code: "invalid_message" });
  });

  it("shows an auth record's email only to its owner, superusers, or everyone when emailVisibility is on", async () => {
    const users = collectionDef({ name: "members", type: "auth", id: "pbc_members" });
    const key = { kind: "collection", name: "members" } as const;
    const owner = await connectHub(key, {
      auth: { id: "m1", collectionId: "pbc_members", collectionName: "members" },
    });
    const other = await connectHub(key, { auth: user("u2") });
    const su = await connectHub(key, { auth: SUPERUSER });
    for (const s of [owner, other, su]) await s.subscribe("members/*");
    const record = { id: "m1", email: "m1@example.com", emailVisibility: false, name: "M" };
    await sink.emit([change("update", users, record)]);
    expect((await owner.next()).record.email).toBe("m1@example.com");
    expect((await su.next()).record.email).toBe("m1@example.com");
    expect(Object.keys((await other.next()).record)).not.toContain("email");
    await sink.emit([change("update", users, { ...record, emailVisibility: true })]);
    expect((await other.next()).record.email).toBe("m1@example.com");
  });
});
