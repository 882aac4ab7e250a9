import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { InexactRealText, numberText, realNumber, sqlLike, sqlLower } from "../../src/rules/sqlite-values";
import { sqlStrftime } from "../../src/rules/strftime";

const REALS = [
  0.1 + 0.2,
  1e15,
  1e16,
  1e17,
  123456789.123,
  1e-4,
  2.5e-7,
  1.7976931348623157e308,
  5e-324,
  1 / 3,
  100,
  -0.5,
  123456789012345.6,
  -1.5e-10,
  9.999999999999999e22,
  12345.678,
  0,
  -7,
  1e21,
  0.00012345678901234567,
];

const LIKES: [string, string][] = [
  ["Hello", "%ell%"],
  ["Hello", "h%"],
  ["Hello", "_ello"],
  ["Hello", "__llo_"],
  ["é", "É"],
  ["ABC", "abc"],
  ["a%b", "a\\%b"],
  ["axb", "a\\%b"],
  ["a_b", "a\\_b"],
  ["a\\b", "a\\\\b"],
  ["ab", "a\\b"],
  ["a", "a\\"],
  ["😀x", "_x"],
  ["", "%"],
  ["", "_"],
  ["abc", "%%%c"],
  ["mississippi", "%iss%ppi"],
  ["mississippi", "m%s%s%s%"],
  ["5.0", "5%"],
];

const STRFTIME: [string, string, ...string[]][] = [
  ["%Y-%m-%d %H:%M:%S", "2024-02-29 13:14:15.678Z"],
  ["%f|%s|%j|%w|%u", "2024-02-29 13:14:15.678Z"],
  ["%d %e %I %l %p %k %R %T %F", "2024-01-05 00:04:05"],
  ["%Y-%m-%d", "2024-01-31", "+1 months"],
  ["%Y-%m-%d", "2024-03-31", "-1 months"],
  ["%Y-%m-%d", "2024-02-29", "+1 years"],
  ["%Y-%m-%d %H:%M", "2024-02-29 23:30", "+1.5 days"],
  ["%Y-%m-%d %H", "2024-02-29 23:30", "-25 hours"],
  ["%Y-%m-%d", "2024-02-29 13:00", "start of month"],
  ["%Y-%m-%d %H:%M:%S", "2024-02-29 13:00", "start of day"],
  ["%Y-%m-%d", "2024-02-29", "start of year", "+59 days"],
  ["%Y-%m-%d", "2024-02-29", "weekday 0"],
  ["%Y-%m-%d", "2024-03-03", "weekday 0"],
  ["%H:%M", "12:30:00"],
  ["%Y-%m-%d %H:%M", "2024-06-01T05:06:07+02:00"],
  ["%Y-%m-%d %H:%M", "2024-06-01 05:06:07-03:30"],
  ["%Y", "garbage"],
  ["%Y", ""],
  ["%Y-%m-%d", "2460000.5"],
  ["%Y-%m-%d %H:%M:%S", "1700000000", "unixepoch"],
  ["%Y", "2024-13-01"],
  ["%Y-%m-%d", "2024-02-31"],
  ["%%Y=%Y", "2024-02-29"],
];

describe("SQLite semantics in JS", () => {
  it("renders reals as SQLite does", async () => {
    const row = await env.DB.prepare(`SELECT ${REALS.map((_, i) => `lower(?) AS c${i}`).join(", ")}`)
      .bind(...REALS)
      .first<Record<string, string>>();
    const exact = (r: number) => {
      try {
        return numberText(realNumber(r));
      } catch (error) {
        expect(error).toBeInstanceOf(InexactRealText);
        return undefined;
      }
    };
    const rendered = REALS.map(exact);
    // 0.1+0.2, 5e-324, 1/3, 1.79e308, 123456789012345.6 and 0.00012345678901234567 need 17 digits.
    expect(rendered.filter((t) => t === undefined)).toHaveLength(6);
    expect(rendered).toEqual(REALS.map((r, i) => (exact(r) === undefined ? undefined : row?.[`c${i}`])));
  });

  it("matches LIKE … ESCAPE '\\' and LOWER as SQLite does", async () => {
    const results = await env.DB.batch<{ m: number | null; l: string }>(
      LIKES.map(([text, pattern]) =>
        env.DB.prepare("SELECT ? LIKE ? ESCAPE '\\' AS m, lower(?) AS l").bind(text, pattern, text),
      ),
    );
    const fromD1 = results.map((r) => [r.results[0]?.m === 1, r.results[0]?.l]);
    expect(LIKES.map(([text, pattern]) => [sqlLike(text, pattern), sqlLower(text)])).toEqual(fromD1);
  });

  it("computes strftime as SQLite does", async () => {
    const results = await env.DB.batch<{ r: string | null }>(
      STRFTIME.map((args) =>
        env.DB.prepare(`SELECT strftime(${args.map(() => "?").join(", ")}) AS r`).bind(...args),
      ),
    );
    const fromD1 = results.map((r) => r.results[0]?.r ?? null);
    expect(STRFTIME.map((args) => sqlStrftime(args))).toEqual(fromD1);
  });
});
