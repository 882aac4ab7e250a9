/** Robustness: random and hostile inputs give an AST or a typed RuleError, and never leak into SQL text. */
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type { FieldResolver } from "../../src/rules";
import {
  compileFilter,
  evaluateFilter,
  guestContext,
  parseFilter,
  RuleError,
  resolveRequestValue,
} from "../../src/rules";
import { propertyRuns } from "../helpers/property-runs";
import { filterText } from "./generators";

const HOSTILE = [
  "' OR 1=1 --",
  '" OR ""="',
  "'; DROP TABLE rb; --",
  "a = 1; DELETE FROM rb",
  "a = 'x' UNION SELECT * FROM _collections",
  "a = 1) OR (1=1",
  "a = '\\'' OR 1=1 --'",
  'a = "\\" OR 1=1 --"',
  "a = 1 /* comment */",
  "a = 0x41",
  "a = X'41'",
  "a = 1e999",
  `a = ${"9".repeat(400)}`,
  `a = -${"9".repeat(309)}.5`,
  "a = 1 -- trailing",
  "a = \u0000",
  "a\u0000 = 1",
  "a = 'nul\u0000byte'",
  "a = '\uD800'",
  "\u202Ea = 1",
  "a\u200B = 1",
  "tïtle = 1",
  "a = '😀' && b ~ '%_\\\\%'",
  "@request.body.x:changed = 'x\" OR 1=1'",
  "@collection.c:a.f ?= '1' OR '1'='1'",
  "strftime('%Y', 'now', 'localtime') = '2024'",
  "geoDistance(1, 2, 3, 4) > 'x'",
  "(".repeat(1000),
  `${"(".repeat(40)}a = 1${")".repeat(40)}`,
  Array.from({ length: 201 }, () => "a=1").join("&&"),
  `a = '${"x".repeat(3600)}'`,
  "a = 'unterminated",
  'a = "unterminated',
  "a = '\\",
  "a == 1",
  "a = = 1",
  "&& a = 1",
  "a = 1 ||",
  "@ = 1",
  "@request = 1",
  "@request. = 1",
  "a: = 1",
  "a:lower:lower = 1",
  ":lower = 1",
  ".a = 1",
  "a. = 1",
  "a = @",
  "a = true()",
  "strftime() = 1",
  "a = 'x'\n// comment\n|| b = 2",
];

const TOKENS = [
  "a",
  "tags",
  "x.y",
  "@request.body.x",
  "@request.body.n:lower",
  "@request.auth.id",
  "@collection.c:al.f",
  "@now",
  "'",
  '"',
  "(",
  ")",
  "&&",
  "||",
  "=",
  "?=",
  "!=",
  "?!~",
  ">=",
  "~",
  "1",
  "-1.5",
  "9".repeat(30),
  "'str'",
  '"s\\"q"',
  "//",
  "\n",
  "\\",
  ":lower",
  ":each",
  ":length",
  ":isset",
  ".",
  "strftime(",
  "geoDistance(",
  ",",
  " ",
  "\u0000",
  "é",
  "😀",
  "' OR 1=1 --",
  "; DROP TABLE rb; --",
  "true",
  "null",
  "%",
  "_",
  "*",
  "/*",
  "*/",
  "`",
  "[",
  "]",
  "$",
  "{:p}",
];

const SQL_WORDS = new Set(
  (
    "SELECT FROM LEFT JOIN ON WHERE EXISTS NOT IS TRUE NULL AND OR LIKE ESCAPE COALESCE LOWER CASE WHEN THEN " +
    "ELSE END COUNT json json_each json_array_length value AS v strftime acos min max cos sin radians"
  ).split(" "),
);
const SQL_TOKEN = /\s+|__i\d+|"col"|"arr"|"rb"|'%'|'\\'|''|\?|\d+|[A-Za-z_]+|<=|>=|\|\||[()=<>,.*+-]/y;

/** Every SQL token must come from the compiler's or the resolver's fixed vocabulary. */
function foreignSql(sql: string): string | null {
  SQL_TOKEN.lastIndex = 0;
  while (SQL_TOKEN.lastIndex < sql.length) {
    const start = SQL_TOKEN.lastIndex;
    const match = SQL_TOKEN.exec(sql);
    if (!match) return sql.slice(start, start + 20);
    const token = match[0];
    if (/^[A-Za-z_]+$/.test(token) && !SQL_WORDS.has(token)) return token;
    if (/^\d+$/.test(token) && !["0", "1", "6371"].includes(token)) return token;
  }
  return null;
}

const ctx = guestContext({
  body: { x: "' OR 1=1 --", n: 0.1 + 0.2, tags: ["a'); DROP TABLE rb; --", 1, null] },
  query: { q: '"; DELETE FROM rb' },
  auth: { id: "u1'--", collectionId: "c", collectionName: "users" },
});

/** Maps every identifier to fixed SQL, so any other text in the output must have come from the input. */
const resolver: FieldResolver = {
  resolve(node) {
    if (node.scope === "request") {
      const found = resolveRequestValue(node.path, ctx);
      return { kind: "value", value: found.found ? found.value : null };
    }
    if (node.scope === "collection") return { kind: "items", sql: `SELECT "col" AS v FROM "rb"` };
    if (node.path[0] === "tags" || node.path.length > 1) {
      return { kind: "items", sql: `SELECT value AS v FROM json_each("arr")`, arraySql: `"arr"` };
    }
    return { kind: "column", sql: `"col"`, zero: 0 };
  },
};

const record = { a: "x", tags: ["a", "b"], col: 1, x: { y: "z" } };
const statements: { input: string; sql: string; params: unknown[] }[] = [];
let checked = 0;

/** The whole contract for one input; throws (failing the property) on any breach. */
function check(input: string): void {
  checked++;
  let expr: ReturnType<typeof parseFilter>;
  try {
    expr = parseFilter(input);
  } catch (error) {
    if (error instanceof RuleError && (error.code === "syntax" || error.code === "limit")) return;
    throw error;
  }
  expect(["comparison", "logical"]).toContain(expr.type);
  try {
    const evaluated = evaluateFilter(expr, record, ctx);
    expect(typeof evaluated === "boolean" || evaluated.needsSql).toBe(true);
    const { sql, params } = compileFilter(expr, resolver, ctx);
    const foreign = foreignSql(sql);
    if (foreign !== null) throw new Error(`input text in SQL: ${JSON.stringify(foreign)} in ${sql}`);
    expect(sql.split("?").length - 1).toBe(params.length);
    for (const p of params) expect(p === null || ["string", "number"].includes(typeof p)).toBe(true);
    statements.push({ input, sql, params });
  } catch (error) {
    if (!(error instanceof RuleError)) throw error;
  }
}

beforeAll(async () => {
  await env.DB.exec("CREATE TABLE IF NOT EXISTS rb (col TEXT, arr JSON NOT NULL DEFAULT '[]')");
  await env.DB.prepare(
    `INSERT INTO rb (col, arr) VALUES ('x', '["a","b"]'), (NULL, '[]'), ('5', '[1,2.5]')`,
  ).run();
});

describe("hostile and random filters", () => {
  it("parse to an AST or a typed error, and compile to SQL holding no input text", async () => {
    // The leak detector itself must be able to fail.
    expect(foreignSql(`"col" = 'x'`)).not.toBeNull();
    expect(foreignSql(`"col" = title`)).toBe("title");
    expect(
      foreignSql(
        `EXISTS (SELECT 1 FROM (SELECT 1) LEFT JOIN (SELECT value AS v FROM json_each(?)) __i1 ON 1)`,
      ),
    ).toBeNull();
    for (const input of HOSTILE) check(input);
    const soup = fc.array(fc.constantFrom(...TOKENS), { maxLength: 25 }).map((t) => t.join(" "));
    const tight = fc.array(fc.constantFrom(...TOKENS), { maxLength: 25 }).map((t) => t.join(""));
    const mutated = fc
      .tuple(filterText, fc.nat(), fc.nat(), fc.constantFrom(...TOKENS))
      .map(([text, at, cut, token]) => {
        const i = at % (text.length + 1);
        return text.slice(0, i) + token + text.slice(i + (cut % 4));
      });
    const random = fc.string({ unit: "binary", maxLength: 80 });
    const wrapped = fc
      .tuple(fc.constantFrom(...HOSTILE), filterText, fc.boolean())
      .map(([h, f, before]) => (before ? `${h} ${f}` : `${f} && ${h}`));
    for (const [arbitrary, numRuns] of [
      [soup, 3000],
      [tight, 2000],
      [mutated, 2500],
      [random, 2000],
      [wrapped, 500],
    ] as const) {
      fc.assert(fc.property(arbitrary, check), propertyRuns(numRuns, 13_013));
    }
    expect(checked).toBeGreaterThanOrEqual(10_000);
    // Everything that compiled must also run on D1 (a 400 for bad input, never a 500).
    for (let i = 0; i < statements.length; i += 100) {
      const chunk = statements.slice(i, i + 100);
      try {
        await env.DB.batch(
          chunk.map((s) => env.DB.prepare(`SELECT count(*) FROM rb WHERE ${s.sql}`).bind(...s.params)),
        );
      } catch {
        for (const s of chunk) {
          await env.DB.prepare(`SELECT count(*) FROM rb WHERE ${s.sql}`)
            .bind(...s.params)
            .all()
            .catch((error: unknown) => {
              throw new Error(`D1 rejected the SQL of ${JSON.stringify(s.input)}: ${String(error)}`);
            });
        }
      }
    }
    expect(statements.length).toBeGreaterThan(500);
  }, 60_000);
});
