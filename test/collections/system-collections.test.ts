import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { type AuthCollection, CollectionStore, createTableSql, getCollection } from "../../src/collections";
import { prepareCollection } from "../../src/collections/prepare";
import { sameDefinition } from "../../src/collections/same-definition";

const d = { db: env.DB, store: new CollectionStore() };

describe("system collections created by migration", () => {
  it.each([
    ["_superusers", "auth"],
    ["users", "auth"],
    ["_mfas", "base"],
  ])("%s is exactly what the schema engine would build, table included", async (name, type) => {
    const stored = await getCollection(d, name);
    expect(stored.type).toBe(type);
    const rebuilt = await prepareCollection(
      env.DB,
      {},
      { existing: stored, others: [], now: stored.updated },
    );
    // No difference left: `users`' email index (migration 0001's case-sensitive one) was upgraded to
    // lower(email) when the schema was loaded (email-index-upgrade.ts).
    expect(sameDefinition(stored, rebuilt)).toBe(true);
    const table = await env.DB.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?")
      .bind(name)
      .first<{ sql: string }>();
    expect(table?.sql).toBe(createTableSql(name, stored.fields));
  });

  it("gives each auth collection its own generated token secret", async () => {
    const a = (await getCollection(d, "_superusers")) as AuthCollection;
    const b = (await getCollection(d, "users")) as AuthCollection;
    expect(a.tokenSecret).toMatch(/^[0-9a-f]{50}$/);
    expect(b.tokenSecret).toMatch(/^[0-9a-f]{50}$/);
    expect(a.tokenSecret).not.toBe(b.tokenSecret);
  });

  it("has the auth system fields with password and tokenKey hidden", async () => {
    const users = await getCollection(d, "users");
    const system = users.fields.filter((f) => f.system).map((f) => [f.name, f.type, f.hidden]);
    expect(system).toEqual([
      ["id", "text", false],
      ["password", "password", true],
      ["tokenKey", "text", true],
      ["email", "email", false],
      ["emailVisibility", "bool", false],
      ["verified", "bool", false],
    ]);
    expect(users.fields.map((f) => f.name)).toEqual([
      "id",
      "password",
      "tokenKey",
      "email",
      "emailVisibility",
      "verified",
      "name",
      "created",
      "updated",
      "avatar",
    ]);
    expect((await getCollection(d, "_superusers")).system).toBe(true);
  });

  it.each(["_webhooks", "_webhookDeliveries"])(
    "%s (webhooks) is a superuser-only system base collection the schema engine would build",
    async (name) => {
      const stored = await getCollection(d, name);
      expect([stored.type, stored.system]).toEqual(["base", true]);
      expect([
        stored.listRule,
        stored.viewRule,
        stored.createRule,
        stored.updateRule,
        stored.deleteRule,
      ]).toEqual([null, null, null, null, null]);
      const others = [await getCollection(d, "_webhooks")].filter((c) => c.name !== name);
      const rebuilt = await prepareCollection(env.DB, {}, { existing: stored, others, now: stored.updated });
      // No difference left: `users`' email index (migration 0001's case-sensitive one) was upgraded to
      // lower(email) when the schema was loaded (email-index-upgrade.ts).
      expect(sameDefinition(stored, rebuilt)).toBe(true);
      const table = await env.DB.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?")
        .bind(name)
        .first<{ sql: string }>();
      expect(table?.sql).toBe(createTableSql(name, stored.fields));
    },
  );

  it("keeps a webhook's secret hidden and generated when empty", async () => {
    const webhooks = await getCollection(d, "_webhooks");
    const secret = webhooks.fields.find((f) => f.name === "secret");
    expect(secret).toMatchObject({ hidden: true, autogeneratePattern: "[a-zA-Z0-9]{48}" });
  });

  it("has _externalAuths in PocketBase's shape, exactly what the schema engine would build", async () => {
    const stored = await getCollection(d, "_externalAuths");
    expect(stored).toMatchObject({ id: "pbc_2281828961", type: "base", system: true });
    expect(stored.fields.map((f) => [f.name, f.type, f.system])).toEqual([
      ["id", "text", true],
      ["collectionRef", "text", true],
      ["recordRef", "text", true],
      ["provider", "text", true],
      ["providerId", "text", true],
      ["created", "autodate", true],
      ["updated", "autodate", true],
    ]);
    const owner =
      "@request.auth.id != '' && recordRef = @request.auth.id && collectionRef = @request.auth.collectionId";
    expect([
      stored.listRule,
      stored.viewRule,
      stored.createRule,
      stored.updateRule,
      stored.deleteRule,
    ]).toEqual([owner, owner, null, null, owner]);
    const rebuilt = await prepareCollection(
      env.DB,
      {},
      { existing: stored, others: [], now: stored.updated },
    );
    // No difference left: `users`' email index (migration 0001's case-sensitive one) was upgraded to
    // lower(email) when the schema was loaded (email-index-upgrade.ts).
    expect(sameDefinition(stored, rebuilt)).toBe(true);
    const table = await env.DB.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?")
      .bind("_externalAuths")
      .first<{ sql: string }>();
    expect(table?.sql).toBe(createTableSql("_externalAuths", stored.fields));
  });

  it("has _mfas as PocketBase defines it: owners may list and view theirs, only superusers write", async () => {
    const mfas = await getCollection(d, "_mfas");
    expect(mfas.system).toBe(true);
    expect(mfas.fields.map((f) => f.name)).toEqual([
      "id",
      "collectionRef",
      "recordRef",
      "method",
      "created",
      "updated",
    ]);
    const owner =
      "@request.auth.id != '' && recordRef = @request.auth.id && collectionRef = @request.auth.collectionId";
    expect([mfas.listRule, mfas.viewRule]).toEqual([owner, owner]);
    expect([mfas.createRule, mfas.updateRule, mfas.deleteRule]).toEqual([null, null, null]);
  });
});
