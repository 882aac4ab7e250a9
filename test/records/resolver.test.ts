import { describe, expect, it } from "vitest";
import type { ApiError } from "../../src/lib/errors";
import { AliasCounter, RecordResolver } from "../../src/records/resolver";
import { guestContext, type IdentifierNode, RuleSyntaxError } from "../../src/rules";
import { blogSchema } from "./schema";

const { snapshot, posts } = blogSchema();

function resolver(client: boolean, superuser = false) {
  const auth = { id: "me", collectionId: "c_users", collectionName: "users", org: "o1" };
  return new RecordResolver({
    snapshot,
    collection: posts,
    alias: '"__m"',
    ctx: guestContext({ auth, isSuperuser: superuser }),
    client,
    aliases: new AliasCounter(),
    listRuleOf: () => ({ sql: "LISTRULE", params: [7], joins: [] }),
  });
}

function ident(raw: string): IdentifierNode {
  const scope = raw.startsWith("@request.")
    ? "request"
    : raw.startsWith("@collection.")
      ? "collection"
      : "record";
  const rest = raw.replace(/^@(request|collection)\./, "");
  const [head, ...tail] = rest.split(".");
  const [name, alias] = (head as string).split(":");
  const path = scope === "collection" ? [name as string, ...tail] : [name as string, ...tail];
  return { type: "identifier", scope, path, modifier: null, alias: alias ?? null, raw, pos: 0 };
}

describe("RecordResolver", () => {
  it.each([
    ["title", { kind: "column", sql: '"__m".`title`', params: [] }],
    ["views", { kind: "column", sql: '"__m".`views`', params: [], zero: 0 }],
    [
      "tags",
      {
        kind: "items",
        sql: 'SELECT value AS v FROM json_each("__m".`tags`)',
        params: [],
        arraySql: '"__m".`tags`',
      },
    ],
    ["meta.a.0", { kind: "column", sql: "json_extract(\"__m\".`meta`, '$.a[0]')", params: [] }],
    [
      "author.name",
      {
        kind: "column",
        sql: '(SELECT `__r1`.`name` FROM `users` `__r1` WHERE `__r1`.id = "__m".`author` LIMIT 1)',
        params: [],
      },
    ],
    [
      "editors.name",
      {
        kind: "items",
        sql: 'SELECT `__r1`.`name` AS v FROM json_each("__m".`editors`) `__j2` JOIN `users` `__r1` ON `__r1`.id = `__j2`.value',
        params: [],
      },
    ],
    [
      "comments_via_post.message",
      {
        kind: "items",
        sql: 'SELECT `__r1`.`message` AS v FROM `comments` `__r1` WHERE `__r1`.`post` = "__m".`id`',
        params: [],
      },
    ],
  ])("rule mode: %s", (raw, expected) => {
    expect(resolver(false).resolve(ident(raw))).toEqual(expected);
  });

  it("client mode applies related listRules, and matches nothing in locked collections", () => {
    expect(resolver(true).resolve(ident("author.name"))).toEqual({
      kind: "column",
      sql: '(SELECT `__r1`.`name` FROM `users` `__r1` WHERE `__r1`.id = "__m".`author` AND (LISTRULE) LIMIT 1)',
      params: [7],
    });
    const locked = resolver(true).resolve(ident("author.org.name"));
    expect(locked.kind === "column" && locked.sql).toContain("AND 0");
    expect(resolver(true, true).resolve(ident("author.name"))).toMatchObject({ params: [] });
  });

  it("client mode: hidden fields are unknown, @request/@collection are 403", () => {
    expect(() => resolver(true).resolve(ident("secret"))).toThrow(RuleSyntaxError);
    expect(resolver(true, true).resolve(ident("secret"))).toMatchObject({ kind: "column" });
    expect(resolver(false).resolve(ident("secret"))).toMatchObject({ kind: "column" });
    for (const raw of ["@request.auth.id", "@collection.users.name"]) {
      try {
        resolver(true).resolve(ident(raw));
        expect.unreachable();
      } catch (err) {
        expect((err as ApiError).status).toBe(403);
      }
    }
  });

  it("resolves @request values and follows auth relations in SQL", () => {
    expect(resolver(false).resolve(ident("@request.auth.id"))).toEqual({ kind: "value", value: "me" });
    expect(resolver(false).resolve(ident("@request.auth.org.name"))).toEqual({
      kind: "column",
      sql: "(SELECT `__r1`.`name` FROM `orgs` `__r1` WHERE `__r1`.id = ? LIMIT 1)",
      params: ["o1"],
    });
  });

  it("@collection joins once per alias", () => {
    const a = resolver(false).resolve(ident("@collection.users:u.name"));
    expect(a).toEqual({
      kind: "column",
      sql: "`__c_u`.`name`",
      params: [],
      joins: [{ sql: "LEFT JOIN `users` `__c_u` ON 1 = 1", params: [] }],
    });
  });

  it("unknown fields, collections and non-relations are syntax errors", () => {
    for (const raw of [
      "nope",
      "title.x",
      "views.x",
      "nope_via_post.x",
      "comments_via_title.x",
      "@collection.nope.x",
    ]) {
      expect(() => resolver(false).resolve(ident(raw)), raw).toThrow(RuleSyntaxError);
    }
  });
});
