import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { FieldResolver, RuleContext } from "../../src/rules";
import { compileFilter, guestContext, parseFilter, RuleLimitError, RuleSyntaxError } from "../../src/rules";
import { createTestTable, testResolver } from "./fixtures";

const NOW = new Date("2024-02-29T13:14:15.678Z");
const T = `"rt"."t"`;
const N = `"rt"."n"`;
const TAGS = `SELECT value AS v FROM json_each("rt"."tags")`;
const auth = { id: "u1", collectionId: "c1", collectionName: "users", role: "admin" };
const CTX: RuleContext = guestContext({
  now: NOW,
  auth,
  query: { q: "hello" },
  body: { t: "new", tags: ["a", "b"] },
  headers: { x_token: "abc" },
});

/** [filter, expected SQL, expected params] with the full context. */
const CASES: [string, string, unknown[]][] = [
  ["t = 'a'", `${T} = ?`, ["a"]],
  ["t != 'a'", `${T} IS NOT ?`, ["a"]],
  ["n > 1", `${N} > ?`, [1]],
  ["n >= 1.5", `${N} >= ?`, [1.5]],
  ["n < -2", `${N} < ?`, [-2]],
  ["n <= 0", `${N} <= ?`, [0]],
  ["t ~ 'a_b'", `${T} LIKE ? ESCAPE '\\'`, ["%a\\_b%"]],
  ["t ~ 'a%'", `${T} LIKE ? ESCAPE '\\'`, ["a%"]],
  ["t ~ '50\\%'", `${T} LIKE ? ESCAPE '\\'`, ["%50\\%%"]],
  ["t ~ 'a\\b'", `${T} LIKE ? ESCAPE '\\'`, ["%a\\\\b%"]],
  ["t !~ 'x'", `${T} NOT LIKE ? ESCAPE '\\'`, ["%x%"]],
  ["t ~ 5", `${T} LIKE ? ESCAPE '\\'`, ["%5%"]],
  ["t ~ null", `${T} LIKE NULL ESCAPE '\\'`, []],
  ["t ~ u", `${T} LIKE ('%' || "rt"."u" || '%') ESCAPE '\\'`, []],
  ["t = ''", `(${T} = '' OR ${T} IS NULL)`, []],
  ["t != null", `(${T} IS NOT '' AND ${T} IS NOT NULL)`, []],
  ["'' = t", `(${T} = '' OR ${T} IS NULL)`, []],
  ["n = null", `(${N} = '' OR ${N} IS NULL OR ${N} = ?)`, [0]],
  ["n != ''", `(${N} IS NOT '' AND ${N} IS NOT NULL AND ${N} IS NOT ?)`, [0]],
  ["t = u", `COALESCE(${T}, '') = COALESCE("rt"."u", '')`, []],
  ["t != u", `COALESCE(${T}, '') IS NOT COALESCE("rt"."u", '')`, []],
  ["null = ''", `'' = ''`, []],
  ["null != ''", `'' IS NOT ''`, []],
  ["'a' = null", `? = ''`, ["a"]],
  ["b = true", `"rt"."b" = ?`, [1]],
  ["b != false", `"rt"."b" IS NOT ?`, [0]],
  ["t > null", `${T} > NULL`, []],
  ["tags ?= 'x'", `EXISTS (SELECT 1 FROM (SELECT 1) LEFT JOIN (${TAGS}) __i1 ON 1 WHERE __i1.v = ?)`, ["x"]],
  [
    "tags:each ?= 'x'",
    `EXISTS (SELECT 1 FROM (SELECT 1) LEFT JOIN (${TAGS}) __i1 ON 1 WHERE __i1.v = ?)`,
    ["x"],
  ],
  [
    "tags = 'x'",
    `NOT EXISTS (SELECT 1 FROM (SELECT 1) LEFT JOIN (${TAGS}) __i1 ON 1 WHERE (__i1.v = ?) IS NOT TRUE)`,
    ["x"],
  ],
  [
    "tags != ''",
    `NOT EXISTS (SELECT 1 FROM (SELECT 1) LEFT JOIN (${TAGS}) __i1 ON 1 WHERE ((__i1.v IS NOT '' AND __i1.v IS NOT NULL)) IS NOT TRUE)`,
    [],
  ],
  [
    "tags ?!~ t",
    `EXISTS (SELECT 1 FROM (SELECT 1) LEFT JOIN (${TAGS}) __i1 ON 1 WHERE __i1.v NOT LIKE ('%' || ${T} || '%') ESCAPE '\\')`,
    [],
  ],
  [
    "nums ?> tags:length",
    `EXISTS (SELECT 1 FROM (SELECT 1) LEFT JOIN (SELECT value AS v FROM json_each("rt"."nums")) __i1 ON 1 WHERE __i1.v > json_array_length("rt"."tags"))`,
    [],
  ],
  [
    "tags ?= nums",
    `EXISTS (SELECT 1 FROM (SELECT 1) LEFT JOIN (${TAGS}) __i1 ON 1 LEFT JOIN (SELECT value AS v FROM json_each("rt"."nums")) __i2 ON 1 WHERE COALESCE(__i1.v, '') = COALESCE(__i2.v, ''))`,
    [],
  ],
  ["tags:length > 1", `json_array_length("rt"."tags") > ?`, [1]],
  ["t:lower = 'a'", `LOWER(${T}) = ?`, ["a"]],
  [
    "tags:lower ?~ 'A'",
    `EXISTS (SELECT 1 FROM (SELECT 1) LEFT JOIN (SELECT LOWER(v) AS v FROM (${TAGS})) __i1 ON 1 WHERE __i1.v LIKE ? ESCAPE '\\')`,
    ["%A%"],
  ],
  ["d > @now", `"rt"."d" > ?`, ["2024-02-29 13:14:15.678Z"]],
  ["@request.auth.id = ''", `? = ''`, ["u1"]],
  ["@request.auth.role != t", `? IS NOT ${T}`, ["admin"]],
  ["@request.auth.missing = t", `(${T} = '' OR ${T} IS NULL)`, []],
  ["@request.query.q = t", `? = ${T}`, ["hello"]],
  ["@request.headers.x_token = 'abc'", `? = ?`, ["abc", "abc"]],
  ["@request.method = 'GET'", `? = ?`, ["GET", "GET"]],
  ["@request.context = 'default'", `? = ?`, ["default", "default"]],
  ["@request.query.q:lower ~ t", `? LIKE ('%' || ${T} || '%') ESCAPE '\\'`, ["hello"]],
  [
    "@request.body.tags ?= t",
    `EXISTS (SELECT 1 FROM (SELECT 1) LEFT JOIN (SELECT value AS v FROM json_each(?)) __i1 ON 1 WHERE COALESCE(__i1.v, '') = COALESCE(${T}, ''))`,
    ['["a","b"]'],
  ],
  ["@request.body.tags:length = 2", `? = ?`, [2, 2]],
  ["@request.body.t:isset = true", `? = ?`, [1, 1]],
  ["@request.body.n:isset = false", `? = ?`, [0, 0]],
  ["@request.body.t:changed = true", `(CASE WHEN ? IS NOT ${T} THEN 1 ELSE 0 END) = ?`, ["new", 1]],
  ["@request.body.n:changed = true", `? = ?`, [0, 1]],
  [
    "@request.body.tags:changed = true",
    `(CASE WHEN ? IS NOT json("rt"."tags") THEN 1 ELSE 0 END) = ?`,
    ['["a","b"]', 1],
  ],
  ["strftime('%Y', d) = '2024'", `strftime(?, "rt"."d") = ?`, ["%Y", "2024"]],
  [
    "strftime('%m', d, 'start of year', '+1 months') = t",
    `COALESCE(strftime(?, "rt"."d", ?, ?), '') = COALESCE(${T}, '')`,
    ["%m", "start of year", "+1 months"],
  ],
  [
    "geoDistance(n, m, 1, 2) < 10",
    `(6371 * acos(min(1, max(-1, cos(radians("rt"."m")) * cos(radians(?)) * cos(radians(?) - radians(${N})) + sin(radians("rt"."m")) * sin(radians(?)))))) < ?`,
    [2, 1, 2, 10],
  ],
  [
    "@collection.rt:x.t ?= t",
    `EXISTS (SELECT 1 FROM (SELECT 1) LEFT JOIN (SELECT "__c_x"."t" AS v FROM "rt" "__c_x") __i1 ON 1 WHERE COALESCE(__i1.v, '') = COALESCE(${T}, ''))`,
    [],
  ],
  ["t = 'a' && (n > 1 || b = false)", `(${T} = ? AND (${N} > ? OR "rt"."b" = ?))`, ["a", 1, 0]],
  ["t = 'a' || n > 1 && b = false", `(${T} = ? OR (${N} > ? AND "rt"."b" = ?))`, ["a", 1, 0]],
];

const MACROS: [string, string | number][] = [
  ["@now", "2024-02-29 13:14:15.678Z"],
  ["@second", 15],
  ["@minute", 14],
  ["@hour", 13],
  ["@weekday", 4],
  ["@day", 29],
  ["@month", 2],
  ["@year", 2024],
  ["@yesterday", "2024-02-28 13:14:15.678Z"],
  ["@tomorrow", "2024-03-01 13:14:15.678Z"],
  ["@todayStart", "2024-02-29 00:00:00.000Z"],
  ["@todayEnd", "2024-02-29 23:59:59.999Z"],
  ["@monthStart", "2024-02-01 00:00:00.000Z"],
  ["@monthEnd", "2024-02-29 23:59:59.999Z"],
  ["@yearStart", "2024-01-01 00:00:00.000Z"],
  ["@yearEnd", "2024-12-31 23:59:59.999Z"],
];

function compile(text: string, ctx = CTX, options = {}) {
  return compileFilter(parseFilter(text), testResolver(ctx), ctx, options);
}

beforeAll(createTestTable);

describe("compileFilter", () => {
  it.each(CASES)("%s", (text, sql, params) => {
    expect(compile(text)).toEqual({ sql, params, joins: [] });
  });

  it("computes every date macro once from ctx.now in UTC", () => {
    for (const [macro, value] of MACROS) expect(compile(`d = ${macro}`)).toMatchObject({ params: [value] });
  });

  it("compares a guest's @request.auth.* as empty", () => {
    const guest = guestContext({ now: NOW });
    expect(compile("@request.auth.id != ''", guest).sql).toBe(`'' IS NOT ''`);
    expect(compile("@request.auth.id = t", guest).sql).toBe(`(${T} = '' OR ${T} IS NULL)`);
  });

  it("produces SQL that D1 accepts for every case", async () => {
    const statements = [...CASES.map(([text]) => text), ...MACROS.map(([m]) => `d < ${m}`)].map((text) => {
      const { sql, params } = compile(text);
      return env.DB.prepare(`SELECT id FROM rt WHERE ${sql}`).bind(...params);
    });
    const results = await env.DB.batch(statements);
    expect(results.every((r) => r.success)).toBe(true);
  });

  it("keeps the SQL expression tree under D1's depth cap of 100", async () => {
    const chain = Array.from({ length: 200 }, () => "t = u").join(" || ");
    const leaf = "(tags ?= nums || geoDistance(n, m, 1, 2) > @request.body.tags:length)";
    let nested = leaf;
    for (let i = 0; i < 30; i++) nested = `(${nested} ${i % 2 ? "&&" : "||"} tags:lower ?~ t)`;
    for (const text of [chain, nested]) {
      const { sql, params } = compile(text);
      const { results } = await env.DB.prepare(`SELECT id FROM rt WHERE ${sql}`)
        .bind(...params)
        .all();
      expect(results).toEqual([]);
    }
    expect(compile("t = 'a' || t = 'b' || t = 'c'").sql).toBe(`((${T} = ? OR ${T} = ?) OR ${T} = ?)`);
  });

  it("rejects a filter whose SQL would be too large", () => {
    const text = Array.from({ length: 200 }, () => "tags=nums").join("||");
    expect(() => compile(text)).toThrow("filter compiles to a query that is too large");
    expect(() => compile("t = u", CTX, { maxSqlLength: 10 })).toThrow(RuleLimitError);
  });

  it("rejects a LIKE pattern over 50 bytes and more than the bound-parameter budget", () => {
    expect(compile(`t ~ '${"x".repeat(48)}'`).params).toEqual([`%${"x".repeat(48)}%`]);
    expect(() => compile(`t ~ '${"x".repeat(49)}'`)).toThrow(RuleLimitError);
    expect(() => compile(`t ~ '${"é".repeat(25)}'`)).toThrow(/longer than 50 bytes/);
    expect(() => compile(`t ~ '%${"x".repeat(50)}'`)).toThrow(RuleLimitError);
    const hundred = Array.from({ length: 100 }, (_, i) => `n = ${i}`).join(" || ");
    expect(compile(hundred).params).toHaveLength(100);
    expect(() => compile(`${hundred} || n = 100`)).toThrow("filter needs 101 bound parameters (limit 100)");
    expect(() => compile("n = 1 && m = 2", CTX, { maxParams: 1 })).toThrow(RuleLimitError);
  });

  it("rejects modifiers and arguments that do not fit their operand", () => {
    expect(() => compile("t:length = 1")).toThrow(RuleSyntaxError);
    expect(() => compile("strftime('%Y', tags) = '1'")).toThrow(/must be single-valued/);
  });

  it("passes resolver joins through, deduplicated, and counts their parameters", () => {
    const join = { sql: "LEFT JOIN users u ON u.id = rt.author AND u.kind = ?", params: ["x"] };
    const resolver: FieldResolver = {
      resolve: (node) => ({ kind: "column", sql: `u.${node.path.at(-1)}`, joins: [join] }),
    };
    const compiled = compileFilter(parseFilter("author.name = 'a' && author.age > 2"), resolver, CTX);
    expect(compiled).toEqual({ sql: "(u.name = ? AND u.age > ?)", params: ["a", 2], joins: [join] });
    expect(() => compileFilter(parseFilter("author.name = 'a'"), resolver, CTX, { maxParams: 1 })).toThrow(
      RuleLimitError,
    );
  });
});
