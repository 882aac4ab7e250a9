import { describe, expect, it } from "vitest";
import type { EvalResult, RuleContext } from "../../src/rules";
import {
  evaluateFilter,
  guestContext,
  needsSql,
  parseFilter,
  RuleLimitError,
  RuleSyntaxError,
} from "../../src/rules";

const record = {
  id: "r1",
  title: "Hello World",
  num: 5,
  zero: 0,
  flag: false,
  empty: "",
  nothing: null,
  tags: ["a", "B"],
  none: [],
  list: ["a", "B"],
  single: ["x"],
  reordered: ["a", "B"],
  author: "u1",
  data: { a: 1, b: { c: "x" } },
  created: "2024-02-29 13:14:15.678Z",
};
const ctx: RuleContext = guestContext({
  now: new Date("2024-02-29T13:14:15.678Z"),
  auth: { id: "u1", collectionId: "c", collectionName: "users", team: "t1", profile: { lang: "en" } },
  body: { title: "Hello World", num: 6, list: ["a", "B"], single: "x", reordered: ["B", "a"] },
  query: { q: "world" },
});

function evaluate(text: string, rec: Record<string, unknown> = record, c: RuleContext = ctx): EvalResult {
  return evaluateFilter(parseFilter(text), rec, c);
}

describe("evaluateFilter", () => {
  it.each([
    ["title = 'Hello World'", true],
    ["title != 'Hello World'", false],
    ["num > 4 && num <= 5", true],
    ["num >= 6 || num < 5", false],
    ["title ~ 'lo wo'", true],
    ["title ~ 'hello%'", true],
    ["title !~ 'xyz'", true],
    ["title ~ 'World_'", false],
    ["title:lower = 'hello world'", true],
    ["zero = ''", true],
    ["zero = null", true],
    ["flag = ''", true],
    ["empty = null", true],
    ["nothing = ''", true],
    ["num != ''", true],
    ["none = ''", true],
    ["none = 'a'", false],
    ["none ?= 'a'", false],
    ["tags ?= 'a'", true],
    ["tags = 'a'", false],
    ["tags ?~ 'b'", true],
    ["tags:lower ?= 'b'", true],
    ["tags:length = 2", true],
    ["none:length = 0", true],
    ["tags:each != 'c'", true],
    ["data.a = 1", true],
    ["data.b.c = 'x'", true],
    ["data.missing = null", true],
    ["@request.auth.id = author", true],
    ["@request.auth.profile.lang = 'en'", true],
    ["@request.query.q ~ 'WOR'", true],
    ["@request.body.title:isset = true", true],
    ["@request.body.other:isset = true", false],
    ["@request.body.title:changed = true", false],
    ["@request.body.num:changed = true", true],
    ["@request.body.other:changed = false", true],
    ["@request.body.list:changed = false", true],
    ["@request.body.single:changed = false", true],
    ["@request.body.reordered:changed = true", true],
    ["created > @yesterday && created < @tomorrow", true],
    ["created >= @todayStart && created <= @todayEnd", true],
    ["@year = 2024 && @month = 2 && @day = 29 && @weekday = 4", true],
    ["strftime('%Y-%m', created) = '2024-02'", true],
    ["strftime('%d', created, '+1 days') = '01'", true],
    ["geoDistance(13.4, 52.5, 2.35, 48.85) > 870 && geoDistance(13.4, 52.5, 2.35, 48.85) < 890", true],
  ])("%s → %s", (text, expected) => {
    expect(evaluate(text)).toBe(expected);
  });

  it("follows SQLite affinity: a text column against a bound number compares as text", () => {
    expect(evaluate("t = 5", { t: "5" })).toBe(false); // D1 binds 5 as REAL: the column sees '5.0'
    expect(evaluate("t = 5", { t: "5.0" })).toBe(true);
    expect(evaluate("n = '5'", { n: 5 })).toBe(true); // a NUMERIC column converts numeric text
    expect(evaluate("n = ' 5 '", { n: 5 })).toBe(true);
    expect(evaluate("n > 'a'", { n: 5 })).toBe(false); // numbers sort before text
    expect(evaluate("@request.query.q = 5", { n: 1 }, guestContext({ query: { q: "5" } }))).toBe(false);
  });

  it("treats LIKE as case-insensitive for ASCII only", () => {
    expect(evaluate("t ~ 'É'", { t: "é" })).toBe(false);
    expect(evaluate("t ~ 'E'", { t: "e" })).toBe(true);
    expect(evaluate("t ~ '100\\%'", { t: "100%" })).toBe(true);
    expect(evaluate("t ~ '100\\%'", { t: "1000" })).toBe(false);
    expect(evaluate("t !~ 'x'", { t: null })).toBe(false); // NULL NOT LIKE … is NULL, as in SQL
  });

  it("says NeedsSql instead of guessing for relations, back-relations and @collection", () => {
    for (const text of [
      "author.name = 'x'",
      "comments_via_post.message ?= 'x'",
      "@collection.users.name ?= 'x'",
      "@request.auth.team.name = 'x'",
      "strftime('%Y', 'now') = '2024'",
    ]) {
      const result = evaluate(text);
      expect(needsSql(result)).toBe(true);
      expect(result).toMatchObject({ needsSql: true, reason: expect.any(String) });
    }
  });

  it("short-circuits around operands that need SQL", () => {
    expect(evaluate("title = 'Hello World' || author.name = 'x'")).toBe(true);
    expect(evaluate("author.name = 'x' || title = 'Hello World'")).toBe(true);
    expect(evaluate("title = 'nope' && author.name = 'x'")).toBe(false);
    expect(needsSql(evaluate("title = 'Hello World' && author.name = 'x'"))).toBe(true);
    expect(needsSql(evaluate("title = 'nope' || author.name = 'x'"))).toBe(true);
  });

  it("lets the caller resolve identifiers it knows", () => {
    const result = evaluateFilter(parseFilter("author.name = 'Ann' && author.tags ?= 'x'"), record, ctx, {
      resolve: (node) =>
        node.path[0] === "author"
          ? { value: node.path[1] === "name" ? "Ann" : ["x", "y"], fromColumn: true }
          : undefined,
    });
    expect(result).toBe(true);
  });

  it("throws the compiler's typed errors for the same inputs", () => {
    expect(() => evaluate("title:length = 1")).toThrow(RuleSyntaxError);
    expect(() => evaluate(`title ~ '${"x".repeat(49)}'`)).toThrow(RuleLimitError);
  });
});
