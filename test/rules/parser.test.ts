import { describe, expect, it } from "vitest";
import { LruMap } from "../../src/lib/lru-map";
import type { FilterExpr } from "../../src/rules";
import { collectIdentifiers, parseFilter, RuleError, RuleLimitError, RuleSyntaxError } from "../../src/rules";
import { parseCacheSize } from "../../src/rules/cache";
import { parseUncached } from "../../src/rules/parser";

function syntaxError(text: string): RuleSyntaxError {
  try {
    parseUncached(text);
  } catch (error) {
    expect(error).toBeInstanceOf(RuleSyntaxError);
    return error as RuleSyntaxError;
  }
  throw new Error(`parsed: ${text}`);
}

describe("parseFilter", () => {
  it("parses a comparison into a typed AST with positions", () => {
    expect(parseFilter("title = 'a'")).toEqual({
      type: "comparison",
      op: "=",
      left: {
        type: "identifier",
        scope: "record",
        path: ["title"],
        modifier: null,
        alias: null,
        raw: "title",
        pos: 0,
      },
      right: { type: "literal", value: "a", pos: 8 },
      pos: 0,
    });
  });

  it("parses all 16 operators", () => {
    for (const op of [
      "=",
      "!=",
      ">",
      ">=",
      "<",
      "<=",
      "~",
      "!~",
      "?=",
      "?!=",
      "?>",
      "?>=",
      "?<",
      "?<=",
      "?~",
      "?!~",
    ]) {
      const expr = parseFilter(`a ${op} 1`);
      expect(expr).toMatchObject({ type: "comparison", op });
      expect(parseFilter(`a${op}1`)).toMatchObject({ type: "comparison", op });
    }
  });

  it("binds && tighter than || and respects parentheses", () => {
    const shape = (e: FilterExpr): unknown =>
      e.type === "logical" ? [shape(e.left), e.op, shape(e.right)] : (e.left as { path: string[] }).path[0];
    expect(shape(parseFilter("a=1 || b=1 && c=1"))).toEqual(["a", "||", ["b", "&&", "c"]]);
    expect(shape(parseFilter("a=1 && b=1 || c=1"))).toEqual([["a", "&&", "b"], "||", "c"]);
    expect(shape(parseFilter("(a=1 || b=1) && c=1"))).toEqual([["a", "||", "b"], "&&", "c"]);
    expect(shape(parseFilter("a=1 && b=1 && c=1"))).toEqual([["a", "&&", "b"], "&&", "c"]);
  });

  it("reads literals: both quote styles with escapes, numbers, true/false/null", () => {
    const right = (text: string) => (parseFilter(`a = ${text}`) as { right: unknown }).right;
    expect(right(`"it's"`)).toMatchObject({ value: "it's" });
    expect(right(`'say \\'hi\\''`)).toMatchObject({ value: "say 'hi'" });
    expect(right(`"say \\"hi\\""`)).toMatchObject({ value: 'say "hi"' });
    expect(right(`"50\\%"`)).toMatchObject({ value: "50\\%" });
    expect(right(`''`)).toMatchObject({ value: "" });
    expect(right("12")).toMatchObject({ value: 12 });
    expect(right("-1.5")).toMatchObject({ value: -1.5 });
    expect(right("+3")).toMatchObject({ value: 3 });
    expect(right("true")).toMatchObject({ type: "literal", value: true });
    expect(right("FALSE")).toMatchObject({ type: "literal", value: false });
    expect(right("null")).toMatchObject({ type: "literal", value: null });
  });

  it("skips // comments", () => {
    expect(parseFilter("// who\na = 1 // trailing\n && b = 2 //")).toMatchObject({
      type: "logical",
      op: "&&",
    });
  });

  it("reads identifiers with paths, modifiers, macros, @request and @collection", () => {
    const left = (text: string) => (parseFilter(`${text} = 1`) as { left: unknown }).left;
    expect(left("author.name:lower")).toMatchObject({
      scope: "record",
      path: ["author", "name"],
      modifier: "lower",
    });
    for (const m of ["lower", "length", "each"]) expect(left(`tags:${m}`)).toMatchObject({ modifier: m });
    expect(left("@request.body.title:isset")).toMatchObject({
      scope: "request",
      path: ["body", "title"],
      modifier: "isset",
    });
    expect(left("@request.body.title:changed")).toMatchObject({ modifier: "changed" });
    expect(left("@request.auth.id")).toMatchObject({
      scope: "request",
      path: ["auth", "id"],
      modifier: null,
    });
    expect(left("@collection.posts:p.author.id")).toMatchObject({
      scope: "collection",
      path: ["posts", "author", "id"],
      alias: "p",
    });
    expect(left("@collection.posts.title")).toMatchObject({
      scope: "collection",
      path: ["posts", "title"],
      alias: null,
    });
    for (const macro of [
      "now",
      "second",
      "minute",
      "hour",
      "weekday",
      "day",
      "month",
      "year",
      "yesterday",
      "tomorrow",
    ]) {
      expect(left(`@${macro}`)).toEqual({ type: "macro", name: macro, pos: 0 });
    }
    for (const macro of ["todayStart", "todayEnd", "monthStart", "monthEnd", "yearStart", "yearEnd"]) {
      expect(left(`@${macro}`)).toMatchObject({ type: "macro", name: macro });
    }
  });

  it("reads strftime and geoDistance calls", () => {
    expect(parseFilter("strftime('%Y', created, 'start of year') = '2024'")).toMatchObject({
      left: {
        type: "function",
        name: "strftime",
        args: [{ value: "%Y" }, { path: ["created"] }, { value: "start of year" }],
      },
    });
    expect(parseFilter("geoDistance(a.lon, a.lat, 1, 2) < 25")).toMatchObject({
      left: {
        type: "function",
        name: "geoDistance",
        args: [{ path: ["a", "lon"] }, {}, { value: 1 }, { value: 2 }],
      },
    });
  });

  it("names the position of syntax errors", () => {
    expect(syntaxError("title = 'a')").message).toBe('unexpected ")" at 11');
    expect(syntaxError("a = 1 &&").message).toBe("unexpected end of input at 8");
    expect(syntaxError("a = 'x").message).toBe("unterminated string at 4");
    expect(syntaxError("a ! 1").message).toBe('unexpected "!" at 2');
    expect(syntaxError("a = 1 & b = 2").message).toBe('unexpected "&" at 6');
    expect(syntaxError("a").message).toBe("unexpected end of input at 1");
    expect(syntaxError("(a = 1").message).toBe("unexpected end of input at 6");
    expect(syntaxError("a = = 1").message).toBe('unexpected "=" at 4');
    expect(syntaxError("a = 1 b = 2").message).toBe('unexpected "b" at 6');
    expect(syntaxError("").message).toBe("unexpected end of input at 0");
    expect(syntaxError("// only a comment").code).toBe("syntax");
    expect(syntaxError("a = 1.x").message).toBe('unexpected "." at 5');
    expect(syntaxError("a = \u0000").message).toBe('unexpected "\\u0000" at 4');
  });

  it("rejects unknown macros, modifiers, functions and misplaced parts", () => {
    expect(syntaxError("@nope = 1").message).toBe('unknown macro "@nope" at 0');
    expect(syntaxError("a:upper = 1").message).toBe('unknown modifier ":upper" at 0');
    expect(syntaxError("a:lower.b = 1").message).toBe('unknown modifier ":lower" at 0');
    expect(syntaxError("title:isset = true").message).toBe('":isset" applies only to @request.body.* (at 0)');
    expect(syntaxError("upper(a) = 1").message).toBe('unknown function "upper" at 0');
    expect(syntaxError("geoDistance(1, 2) = 1").message).toBe("geoDistance takes 4 arguments (at 0)");
    expect(syntaxError("strftime('%Y') = 1").message).toBe("strftime takes 2 to 12 arguments (at 0)");
    expect(syntaxError("strftime('%Y', strftime('%Y', d)) = 1").message).toBe(
      "function calls cannot be nested (at 15)",
    );
    expect(syntaxError("a..b = 1").message).toBe('invalid identifier "a..b" at 0');
    expect(syntaxError("@collection.posts = 1").message).toBe('invalid identifier "@collection.posts" at 0');
    expect(syntaxError("a = 1e5").message).toBe('unexpected "e" at 5');
    expect(syntaxError(`a = ${"9".repeat(400)}`).message).toBe("number out of range at 4");
  });

  it("enforces the length, expression and depth limits with a typed error", () => {
    const limit = (text: string) => {
      try {
        parseUncached(text);
      } catch (error) {
        expect(error).toBeInstanceOf(RuleLimitError);
        expect(error).toBeInstanceOf(RuleError);
        expect((error as RuleError).code).toBe("limit");
        return (error as Error).message;
      }
      throw new Error("parsed");
    };
    expect(limit(`a = '${"x".repeat(3500)}'`)).toBe("filter is longer than 3500 characters");
    expect(parseUncached(Array.from({ length: 200 }, () => "a=1").join("||"))).toBeDefined();
    expect(limit(Array.from({ length: 201 }, () => "a=1").join("||"))).toBe(
      "filter has more than 200 expressions",
    );
    expect(parseUncached(`${"(".repeat(32)}a=1${")".repeat(32)}`)).toBeDefined();
    expect(limit(`${"(".repeat(33)}a=1${")".repeat(33)}`)).toBe("filter is nested deeper than 32 levels");
    expect(limit(`${"(".repeat(32)}strftime('%Y', 1)${")".repeat(32)} = 1`)).toMatch(/nested deeper/);
    expect(limit(`${Array.from({ length: 13 }, () => "a").join(".")} = 1`)).toMatch(/more than 12 segments/);
  });

  it("keeps the cache bounded and never caches over-long text", () => {
    for (let i = 0; i < 600; i++) parseFilter(`n = ${i}`);
    expect(parseCacheSize()).toBe(500);
    expect(() => parseFilter(`n = '${"x".repeat(5000)}'`)).toThrow(RuleLimitError);
    expect(parseCacheSize()).toBe(500);
    const lru = new LruMap<string, number>(2);
    lru.set("a", 1);
    lru.set("b", 2);
    expect(lru.get("a")).toBe(1);
    lru.set("c", 3);
    expect([lru.get("a"), lru.get("b"), lru.get("c")]).toEqual([1, undefined, 3]);
  });

  it("caches parsed filters and errors", () => {
    const text = "cached = 1 && other = 2";
    expect(parseFilter(text)).toBe(parseFilter(text));
    expect(Object.isFrozen(parseFilter(text))).toBe(true);
    const bad = "cached = ";
    let first: unknown;
    let second: unknown;
    try {
      parseFilter(bad);
    } catch (e) {
      first = e;
    }
    try {
      parseFilter(bad);
    } catch (e) {
      second = e;
    }
    expect(first).toBeInstanceOf(RuleSyntaxError);
    expect(second).toBe(first);
  });
});

describe("collectIdentifiers", () => {
  it("lists every identifier in source order, function arguments included", () => {
    const ids = collectIdentifiers(
      parseFilter("a.b:lower = @request.auth.id || (strftime('%Y', c) = @collection.x:y.z && 1 = tags:each)"),
    );
    expect(ids.map((i) => [i.scope, i.path, i.modifier, i.alias])).toEqual([
      ["record", ["a", "b"], "lower", null],
      ["request", ["auth", "id"], null, null],
      ["record", ["c"], null, null],
      ["collection", ["x", "z"], null, "y"],
      ["record", ["tags"], "each", null],
    ]);
    expect(collectIdentifiers(parseFilter("1 = 2 && @now > 'x'"))).toEqual([]);
  });
});
