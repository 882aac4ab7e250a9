/** fast-check arbitraries: records of the `rt` test table, request contexts, and filter texts over them. */
import fc from "fast-check";
import type { RuleContext } from "../../src/rules";
import { guestContext, OPERATORS } from "../../src/rules";
import type { TestRecord } from "./fixtures";

const CHARS = [
  "a",
  "b",
  "A",
  "B",
  "x",
  "_",
  "%",
  "\\",
  " ",
  "é",
  "É",
  "ß",
  "中",
  "😀",
  "5",
  "0",
  ".",
  "-",
  "'",
  '"',
];
const NUMERIC_TEXTS = ["5", "5.0", " 5 ", "1e2", "-3", "0", "1.5", "abc", "A", "a%b", "a_b"];

/** Short text (≤ 5 characters, so column-built LIKE patterns stay under D1's 50 bytes). */
export const shortText = fc.oneof(
  fc.array(fc.constantFrom(...CHARS), { maxLength: 5 }).map((cs) => cs.join("")),
  fc.constantFrom(...NUMERIC_TEXTS, ""),
);

/** Numbers as they appear in number fields: small integers, zero, a few reals. */
export const number = fc.oneof(
  fc.integer({ min: -5, max: 5 }),
  fc.constantFrom(0, 1.5, -2.25, 0.1, 100, 2.5e-7, 1e16, 12345.678, 0.1 + 0.2),
);

const DATES = [
  "",
  "2024-02-29 13:14:15.678Z",
  "2024-01-31 00:00:00.000Z",
  "2023-12-31 23:59:59.999Z",
  "2024-02-29",
  "garbage",
  "2024-03-01 10:00:00Z",
  "2025-06-15 08:30:00.000Z",
  "12:30:00",
  "2024-06-01T05:06:07+02:00",
];

const jsonLeaf = fc.oneof(shortText, number, fc.boolean(), fc.constant(null));

/** `count` records with ids 1..count. */
export function records(maxCount: number): fc.Arbitrary<TestRecord[]> {
  const record = fc.record({
    t: fc.option(shortText, { nil: null }),
    u: fc.option(shortText, { nil: null }),
    n: fc.option(number, { nil: null }),
    m: fc.option(number, { nil: null }),
    b: fc.boolean(),
    d: fc.constantFrom(...DATES),
    tags: fc.array(shortText, { maxLength: 3 }),
    nums: fc.array(number, { maxLength: 3 }),
    data: fc.option(fc.record({ a: jsonLeaf, b: fc.record({ c: jsonLeaf }) }), { nil: null }),
  });
  return fc
    .array(record, { minLength: 1, maxLength: maxCount })
    .map((rows) => rows.map((row, i) => ({ id: i + 1, ...row })));
}

/** A request context with optional auth, query, headers and a body touching some fields. */
export const context: fc.Arbitrary<RuleContext> = fc
  .record({
    auth: fc.option(fc.record({ id: fc.constantFrom("u1", ""), role: shortText }), { nil: null }),
    q: fc.option(shortText, { nil: undefined }),
    body: fc.record(
      { t: fc.option(shortText, { nil: null }), n: number, tags: fc.array(shortText, { maxLength: 3 }) },
      { requiredKeys: [] },
    ),
    now: fc.constantFrom("2024-02-29T13:14:15.678Z", "2023-12-31T23:59:59.999Z", "2025-06-15T00:00:00.000Z"),
  })
  .map(({ auth, q, body, now }) =>
    guestContext({
      auth: auth && { ...auth, collectionId: "c1", collectionName: "users" },
      query: q === undefined ? {} : { q },
      headers: { h: "v" },
      body,
      now: new Date(now),
    }),
  );

/** A quoted literal; strings the language cannot spell (a backslash before the quote) are re-quoted. */
export function quote(value: string): string {
  for (const q of ["'", '"']) {
    if (!new RegExp(`\\\\(${q}|$)`).test(value)) {
      return q + value.split(q).join(`\\${q}`) + q;
    }
  }
  return `'${value.replace(/\\/g, "").split("'").join("\\'")}'`;
}

const IDENTIFIERS = [
  "id",
  "t",
  "u",
  "n",
  "m",
  "b",
  "d",
  "tags",
  "nums",
  "data.a",
  "data.b.c",
  "data.zz",
  "t:lower",
  "u:lower",
  "tags:lower",
  "tags:length",
  "nums:length",
  "tags:each",
  "nums:each",
  "@request.auth.id",
  "@request.auth.role",
  "@request.query.q",
  "@request.query.q:lower",
  "@request.body.t",
  "@request.body.n",
  "@request.body.n:lower",
  "@request.body.tags",
  "@request.body.tags:length",
  "@request.body.t:isset",
  "@request.body.t:changed",
  "@request.body.n:changed",
  "@request.body.tags:changed",
  "@request.method",
  "@request.headers.h",
  "@now",
  "@year",
  "@todayStart",
  "@monthEnd",
  "@day",
];
const FORMATS = ["%Y", "%Y-%m-%d", "%H:%M", "%j", "%s", "%w", "%f", "%Y%%", "%d %e %I %p", "%F %T %u"];
const TIME_MODIFIERS = [
  "start of month",
  "+1 days",
  "-2 hours",
  "start of year",
  "+1 months",
  "weekday 0",
  "+1.5 days",
];

const literal = fc.oneof(
  shortText.map(quote),
  number.map(String).filter((text) => !text.includes("e")),
  fc.constantFrom("true", "false", "null", "''"),
  fc.constantFrom(...DATES).map(quote),
);

const strftimeCall = fc
  .tuple(
    fc.constantFrom(...FORMATS),
    fc.oneof(fc.constant("d"), fc.constantFrom(...DATES).map(quote), fc.constantFrom("n", "@now", "t")),
    fc.array(fc.constantFrom(...TIME_MODIFIERS), { maxLength: 2 }),
  )
  .map(([f, time, mods]) => `strftime(${[quote(f), time, ...mods.map(quote)].join(", ")})`);

const operand = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...IDENTIFIERS) },
  { weight: 4, arbitrary: literal },
  { weight: 1, arbitrary: strftimeCall },
);

// JS Math and SQLite's libm may differ in a result's last bit, so distances are only ordered, never matched as text.
const COORDS = ["13.4, 52.5", "2.35, 48.85", "-74.0, 40.7", "0, 0", "n, m"];
const geoComparison = fc
  .tuple(
    fc.constantFrom(...COORDS),
    fc.constantFrom(...COORDS),
    fc.constantFrom("<", ">", "?<=", ">="),
    number,
  )
  .map(([a, b, op, km]) => `geoDistance(${a}, ${b}) ${op} ${Math.abs(km) * 100}`);

const comparison = fc.oneof(
  {
    weight: 20,
    arbitrary: fc
      .tuple(operand, fc.constantFrom(...OPERATORS), operand)
      .map(([l, op, r]) => `${l} ${op} ${r}`),
  },
  { weight: 1, arbitrary: geoComparison },
);

/** Filter texts: comparisons combined with && / || and parentheses, up to three levels. */
export const filterText: fc.Arbitrary<string> = fc.letrec<{ node: string }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    comparison,
    fc.tuple(tie("node"), fc.constantFrom("&&", "||"), tie("node")).map(([l, op, r]) => `(${l} ${op} ${r})`),
  ),
})).node;
