/** Record hooks: before-hooks change, refuse or fail a write inside its plan; after-hooks run after the commit. */
import { beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { createEdgebase } from "../../src/app";
import type { BeforeRecordEvent, HookDefinition, RecordHookEvent } from "../../src/hooks";
import { createCollection, SUPERUSER } from "../records/harness";
import { hookApp, rows } from "./harness";

const OPEN_RULES = { listRule: "", viewRule: "", createRule: "", updateRule: "", deleteRule: "" };
const TEXT = (name: string) => ({ name, type: "text" });
const receiver = inject("hookReceiver").url;

function slugify(text: unknown): string {
  return String(text)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

async function receivedCalls(): Promise<{ path: string; body: string }[]> {
  return (await fetch(`${receiver}/calls`)).json();
}

beforeAll(async () => {
  await createCollection({
    name: "posts",
    type: "base",
    fields: [TEXT("title"), TEXT("slug"), TEXT("status"), TEXT("trail")],
    ...OPEN_RULES,
  });
  await createCollection({
    name: "notes",
    type: "base",
    fields: [TEXT("title"), TEXT("trail")],
    ...OPEN_RULES,
  });
  await createCollection({
    name: "drafts",
    type: "base",
    fields: [TEXT("title"), TEXT("status")],
    ...OPEN_RULES,
    createRule: '@request.body.status = "draft"',
  });
  await createCollection({
    name: "locked",
    type: "base",
    fields: [TEXT("title")],
    ...OPEN_RULES,
    viewRule: null,
    createRule: null,
  });
  await createCollection({ name: "audit", type: "base", fields: [TEXT("entry")], createRule: null });
  await createCollection({ name: "loops", type: "base", fields: [TEXT("title")], ...OPEN_RULES });
});

beforeEach(async () => {
  await fetch(`${receiver}/calls`, { method: "DELETE" });
});

describe("before-hooks", () => {
  const { call } = hookApp({
    hooks: [
      {
        on: "record.beforeCreate",
        collections: ["posts"],
        run(e) {
          e.record.slug = slugify(e.record.title);
        },
      },
      {
        on: "record.beforeCreate",
        collections: ["posts"],
        run(e) {
          if (String(e.record.title).includes("spam")) e.refuse("Spam is not welcome.");
          if (String(e.record.title).length > 40)
            e.error("title", "Keep titles short.", "validation_too_long");
          if (e.record.title === "boom") throw new Error("secret connection string postgres://u:pw@db");
          if (e.record.title === "forbidden") e.refuse("Nope.", 403);
          if (e.record.title === "odd status") e.refuse("Odd.", 200);
        },
      },
      {
        on: "record.beforeCreate",
        collections: ["drafts"],
        run(e) {
          e.record.status = "published";
        },
      },
      {
        on: "record.beforeCreate",
        collections: ["locked"],
        run(e) {
          if (e.record.title === "invited") e.bypassRules();
        },
      },
    ],
  });

  it("a before-create hook adds a slug, stored and returned", async () => {
    const res = await call(null, "POST", "/api/collections/posts/records", { title: "Hello, Edge World!" });
    expect(res.status).toBe(200);
    expect(res.body.slug).toBe("hello-edge-world");
    const stored = (await rows("posts")).find((r) => r.id === res.body.id);
    expect(stored?.slug).toBe("hello-edge-world");
  });

  it("a refusal is a 400 in the error shape and writes nothing", async () => {
    const before = (await rows("posts")).length;
    const refused = await call(null, "POST", "/api/collections/posts/records", { title: "buy spam now" });
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({ status: 400, message: "Spam is not welcome.", data: {} });
    const invalid = await call(null, "POST", "/api/collections/posts/records", { title: "x".repeat(41) });
    expect(invalid.status).toBe(400);
    expect(invalid.body.data).toEqual({
      title: { code: "validation_too_long", message: "Keep titles short." },
    });
    const forbidden = await call(null, "POST", "/api/collections/posts/records", { title: "forbidden" });
    expect(forbidden.body).toEqual({ status: 403, message: "Nope.", data: {} });
    // A refusal status outside 4xx is a 400: a hook cannot answer success or a server error by refusing.
    expect((await call(null, "POST", "/api/collections/posts/records", { title: "odd status" })).status).toBe(
      400,
    );
    expect((await rows("posts")).length).toBe(before);
  });

  it("a throwing hook is a 500 without its message, and nothing is written", async () => {
    const before = (await rows("posts")).length;
    const res = await call(null, "POST", "/api/collections/posts/records", { title: "boom" });
    expect(res.status).toBe(500);
    expect(res.body).toEqual({
      status: 500,
      message: "Something went wrong while processing your request.",
      data: {},
    });
    expect(res.text).not.toContain("postgres");
    expect((await rows("posts")).length).toBe(before);
  });

  it("rules see the values the hook wrote", async () => {
    // The client sends what the rule wants, the hook changes it: the rule refuses the changed values.
    const res = await call(null, "POST", "/api/collections/drafts/records", { title: "t", status: "draft" });
    expect(res.status).toBe(400);
    expect(await rows("drafts")).toEqual([]);
  });

  it("rules are bypassed only when the hook asks", async () => {
    expect((await call(null, "POST", "/api/collections/locked/records", { title: "uninvited" })).status).toBe(
      403,
    );
    const invited = await call(null, "POST", "/api/collections/locked/records", { title: "invited" });
    expect(invited.status).toBe(200);
    expect((await rows("locked")).map((r) => r.title)).toEqual(["invited"]);
  });

  it("a refusal inside a batch aborts the whole batch", async () => {
    const before = (await rows("posts")).length;
    const res = await call(null, "POST", "/api/batch", {
      requests: [
        { method: "POST", url: "/api/collections/posts/records", body: { title: "fine" } },
        { method: "POST", url: "/api/collections/posts/records", body: { title: "spam again" } },
      ],
    });
    expect(res.status).toBe(400);
    expect((await rows("posts")).length).toBe(before);
  });
});

describe("hook order and collection filter", () => {
  const seen: string[] = [];
  const mark = (name: string, collections?: string[]): HookDefinition[] =>
    (["Create", "Update", "Delete"] as const).flatMap((action) => [
      {
        on: `record.before${action}` as const,
        collections,
        run(e: BeforeRecordEvent) {
          seen.push(`${name}:before${action}:${e.collection.name}`);
          if (action !== "Delete") e.record.trail = `${String(e.record.trail ?? "")}${name}`;
        },
      },
      {
        on: `record.after${action}` as const,
        collections,
        run(e: RecordHookEvent) {
          seen.push(`${name}:after${action}:${e.collection.name}`);
        },
      },
    ]);
  const { call } = hookApp({
    hooks: [...mark("A"), ...mark("B", ["posts"]), ...mark("C", ["notes"]), ...mark("D", [])],
  });

  it.each([
    ["posts", "ABD"],
    ["notes", "ACD"],
  ])("runs %s's hooks in registration order: %s", async (collection, order) => {
    seen.length = 0;
    const created = await call(null, "POST", `/api/collections/${collection}/records`, { title: "t" });
    expect(created.body.trail).toBe(order);
    const updated = await call(null, "PATCH", `/api/collections/${collection}/records/${created.body.id}`, {
      trail: "",
    });
    expect(updated.body.trail).toBe(order);
    expect(
      (await call(null, "DELETE", `/api/collections/${collection}/records/${created.body.id}`)).status,
    ).toBe(204);
    const names = [...order];
    expect(seen).toEqual(
      ["Create", "Update", "Delete"].flatMap((action) => [
        ...names.map((n) => `${n}:before${action}:${collection}`),
        ...names.map((n) => `${n}:after${action}:${collection}`),
      ]),
    );
  });

  it("matches a collection by id too, and skips hooks of other collections", async () => {
    const posts = (await rows("_collections")).find((r) => r.name === "posts");
    seen.length = 0;
    const { call: byId } = hookApp({ hooks: mark("I", [String(posts?.id)]) });
    await byId(null, "POST", "/api/collections/posts/records", { title: "t" });
    await byId(null, "POST", "/api/collections/notes/records", { title: "t" });
    expect(seen).toEqual(["I:beforeCreate:posts", "I:afterCreate:posts"]);
  });
});

describe("after-hooks", () => {
  const { call } = hookApp({
    hooks: [
      {
        on: "record.afterUpdate",
        collections: ["posts"],
        async run(e) {
          await fetch(`${receiver}/post-updated`, {
            method: "POST",
            body: JSON.stringify({ id: e.record.id, title: e.record.title, was: e.oldRecord?.title }),
          });
        },
      },
      {
        on: "record.afterUpdate",
        collections: ["posts"],
        run() {
          throw new Error("after-hook failure");
        },
      },
      {
        on: "record.afterCreate",
        collections: ["posts"],
        async run(e) {
          await e.records.create("audit", { entry: `created ${e.record.id}` }, { rules: false });
        },
      },
    ],
  });

  it("an after-update hook calls a real HTTP server; a failing one changes nothing in the response", async () => {
    const created = await call(null, "POST", "/api/collections/posts/records", { title: "first" });
    const res = await call(null, "PATCH", `/api/collections/posts/records/${created.body.id}`, {
      title: "second",
    });
    expect(res.status).toBe(200);
    expect(res.body.title).toBe("second");
    const calls = await receivedCalls();
    expect(calls).toEqual([
      { path: "/post-updated", body: JSON.stringify({ id: created.body.id, title: "second", was: "first" }) },
    ]);
  });

  it("writes other records through e.records, bypassing rules only when asked", async () => {
    const created = await call(null, "POST", "/api/collections/posts/records", { title: "audited" });
    expect((await rows("audit")).map((r) => r.entry)).toContain(`created ${created.body.id}`);
    // The audit collection is superuser-only: the same write with the caller's rules is refused.
    const { call: strict } = hookApp({
      hooks: [
        {
          on: "record.beforeCreate",
          collections: ["notes"],
          async run(e) {
            await e.records.create("audit", { entry: "as the caller" });
          },
        },
      ],
    });
    const refused = await strict(null, "POST", "/api/collections/notes/records", { title: "t" });
    expect(refused.status).toBe(403);
    expect((await rows("audit")).map((r) => r.entry)).not.toContain("as the caller");
  });
});

describe("limits", () => {
  it("a hook writing records that trigger it again stops at the nesting limit, writing nothing", async () => {
    const { call } = hookApp({
      hooks: [
        {
          on: "record.beforeCreate",
          collections: ["loops"],
          async run(e) {
            await e.records.create("loops", { title: `${String(e.record.title)}+` });
          },
        },
      ],
    });
    const res = await call(null, "POST", "/api/collections/loops/records", { title: "x" });
    expect(res.status).toBe(500);
    expect(res.body.message).toBe("Something went wrong while processing your request.");
    expect(await rows("loops")).toEqual([]);
  });

  it("refuses malformed hook definitions when the app is built", () => {
    const bad = [
      { on: "record.beforeEverything", run() {} },
      { on: "record.beforeCreate" },
      { on: "record.beforeCreate", collections: [1], run() {} },
    ] as unknown as HookDefinition[];
    for (const hook of bad) expect(() => createEdgebase({ hooks: [hook] })).toThrow(TypeError);
  });

  it("a superuser's write runs the same hooks", async () => {
    const { call } = hookApp({
      hooks: [
        {
          on: "record.beforeCreate",
          collections: ["posts"],
          run(e) {
            e.record.slug = `by-${String(e.auth?.collectionName)}`;
          },
        },
      ],
    });
    const res = await call(SUPERUSER, "POST", "/api/collections/posts/records", { title: "t" });
    expect(res.body.slug).toBe("by-_superusers");
  });
});
