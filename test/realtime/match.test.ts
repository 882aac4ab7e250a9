import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { ruleContext } from "../../src/auth/rule-context";
import type { Collection } from "../../src/collections/collection";
import { createCollection } from "../../src/collections/save-collection";
import { CollectionStore } from "../../src/collections/store";
import { toHubEvent } from "../../src/realtime/hub-event";
import { decideAll, decideLocally } from "../../src/realtime/match";
import { realtimeSink } from "../../src/realtime/publish";
import { change, collectionDef, connectHub, SUPERUSER, user } from "./helpers";

const store = new CollectionStore();
let books: Collection;

beforeAll(async () => {
  const deps = { db: env.DB, store };
  const authors = await createCollection(deps, {
    name: "authors",
    type: "base",
    fields: [{ name: "name", type: "text" }],
  });
  await createCollection(deps, {
    name: "books",
    type: "base",
    listRule: "author.name = @request.auth.name",
    viewRule: "author.name = @request.auth.name",
    fields: [
      { name: "title", type: "text" },
      { name: "author", type: "relation", collectionId: authors.id, maxSelect: 1 },
    ],
  });
  books = (await store.load(env.DB)).find("books") as Collection;
  await env.DB.batch([
    env.DB.prepare("INSERT INTO authors (id, name) VALUES ('a1', 'Ann'), ('a2', 'Ben')"),
    env.DB.prepare("INSERT INTO books (id, title, author) VALUES ('b1', 'One', 'a1')"),
  ]);
});

describe("matching", () => {
  it("decides local rules in JS and asks for SQL only for relation paths", () => {
    const event = toHubEvent(change("create", collectionDef({ name: "c" }), { id: "r", owner: "u1", n: 3 }));
    const ctx = ruleContext({ auth: user("u1"), context: "realtime" });
    expect(decideLocally(event, { ctx, rule: "owner = @request.auth.id" })).toBe(true);
    expect(decideLocally(event, { ctx, rule: "owner = @request.auth.id", filter: "n > 5" })).toBe(false);
    expect(decideLocally(event, { ctx, rule: "owner.name = 'x'" })).toBe("sql");
    expect(decideLocally(event, { ctx, rule: null })).toBe(false);
    expect(decideLocally(event, { ctx: ruleContext({ auth: null, context: "realtime" }), rule: "" })).toBe(
      true,
    );
  });

  it("checks join rules with one batched D1 query against the committed row", async () => {
    const event = toHubEvent(change("create", books, { id: "b1", title: "One", author: "a1" }));
    const deps = { db: env.DB, snapshot: () => store.snapshot(env.DB) };
    const ann = ruleContext({ auth: user("ann", { name: "Ann" }), context: "realtime" });
    const ben = ruleContext({ auth: user("ben", { name: "Ben" }), context: "realtime" });
    const result = await decideAll(
      event,
      [
        { ctx: ann, rule: books.listRule },
        { ctx: ben, rule: books.listRule },
        { ctx: ann, rule: books.listRule, filter: "author.name = 'Ben'" },
        { ctx: ann, rule: books.listRule, filter: "title = 'One'" },
      ],
      deps,
    );
    expect(result).toEqual([true, false, false, true]);
    // A deleted row is gone from D1: the event's record stands in for it, joins still reach authors.
    const deleted = toHubEvent(change("delete", books, { id: "gone", title: "Two", author: "a2" }));
    const checks = [
      { ctx: ann, rule: books.listRule },
      { ctx: ben, rule: books.listRule },
      { ctx: ben, rule: books.listRule, filter: "title = 'Two'" },
      { ctx: ben, rule: books.listRule, filter: "title = 'One'" },
    ];
    expect(await decideAll(deleted, checks, deps)).toEqual([false, true, true, false]);
  });

  it("delivers through the hub only to subscribers whose join rule passes", async () => {
    const hub = { kind: "collection", name: "books" } as const;
    const ann = await connectHub(hub, { auth: user("ann", { name: "Ann" }) });
    const ben = await connectHub(hub, { auth: user("ben", { name: "Ben" }) });
    await ann.subscribe("books/*");
    await ben.subscribe("books/*");
    await realtimeSink(env.REALTIME_HUB).emit([
      change("create", books, { id: "b1", title: "One", author: "a1" }),
    ]);
    expect((await ann.next()).record).toMatchObject({ id: "b1", author: "a1" });
    await ben.expectQuiet("books/none");
  });

  it("expands relations per subscriber, each related record under its own viewRule", async () => {
    const hub = { kind: "collection", name: "books" } as const;
    const su = await connectHub(hub, { auth: SUPERUSER });
    const ann = await connectHub(hub, { auth: user("ann", { name: "Ann" }) });
    await su.subscribe("books/b1", { expand: "author", fields: "id,expand.author.name" });
    await ann.subscribe("books/b1", { expand: "author" });
    expect(await ann.subscribe("books/x", { expand: "a..b" })).toMatchObject({
      type: "error",
      code: "invalid_options",
    });
    await realtimeSink(env.REALTIME_HUB).emit([
      change("update", books, { id: "b1", title: "One", author: "a1" }),
    ]);
    expect((await su.next()).record).toEqual({ id: "b1", expand: { author: { name: "Ann" } } });
    // authors' viewRule is null (superusers only): Ann gets the book without the expanded author.
    const got = await ann.next();
    expect(got.record).toMatchObject({ id: "b1", author: "a1" });
    expect(got.record.expand).toBeUndefined();
  });
});
