/** SQLite's value semantics in JS (affinity, comparison, LIKE, LOWER, number text) for the evaluator. */

/** A SQLite number: INTEGER or REAL storage class (they compare alike but render differently as text). */
export interface SqlNumber {
  num: number;
  int: boolean;
}

/** A SQLite value as the evaluator models it (no BLOBs: the language cannot produce them). */
export type SqliteValue = null | string | SqlNumber;

/**
 * The affinity SQLite applies before comparing. Expressions and bound values have none; columns have
 * one, and a column with no declared type (json_each's `value`, a subquery column over an expression) has
 * BLOB affinity, which converts nothing but still counts as a column (TEXT then no longer applies to it).
 */
export type Affinity = "text" | "numeric" | "blob" | "none";

/** A value with the affinity of the expression that produced it. */
export interface Typed {
  v: SqliteValue;
  aff: Affinity;
}

const NUMERIC_TEXT = /^[ \t\n\v\f\r]*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[ \t\n\v\f\r]*$/;
const INTEGER_TEXT = /^[ \t\n\v\f\r]*[+-]?\d+[ \t\n\v\f\r]*$/;
const INT64_LIMIT = 2 ** 63;

/** An INTEGER when `num` is integral and in int64 range, else a REAL (how a NUMERIC column stores it). */
export function columnNumber(num: number): SqlNumber {
  return { num, int: Number.isInteger(num) && Math.abs(num) < INT64_LIMIT };
}

/** D1 binds every JS number (and boolean) as a REAL. */
export function realNumber(num: number): SqlNumber {
  return { num, int: false };
}

/** A number as json_each/json_extract returns it for JSON written by JSON.stringify. */
export function jsonNumber(num: number): SqlNumber {
  return { num, int: Number.isInteger(num) && !/[.eE]/.test(String(num)) && Math.abs(num) < INT64_LIMIT };
}

/**
 * Thrown when a REAL needs more than 15 significant digits as text: SQLite then prints 17 digits whose last
 * one comes from its own decimal conversion, which JS cannot reproduce exactly. The evaluator turns it into
 * NeedsSql rather than guessing.
 */
export class InexactRealText extends Error {
  override name = "InexactRealText";
}

/** SQLite's text for a number: integers plainly, reals with 15 significant digits (`5.0`, `1.0e+20`). */
export function numberText(value: SqlNumber): string {
  if (value.int) return String(value.num);
  const x = value.num;
  if (x === 0) return "0.0";
  const abs = Math.abs(x);
  const short = formatReal(x, 15);
  if (Number(short) !== x || abs < 1e-300 || abs > 1e300) throw new InexactRealText(String(x));
  return short;
}

function formatReal(x: number, precision: number): string {
  const [mantissa = "", expText = "0"] = x.toExponential(precision - 1).split("e");
  const exp = Number(expText);
  if (exp < -4 || exp > 16) {
    const digits = withPointZero(trimZeros(mantissa));
    const sign = exp < 0 ? "-" : "+";
    return `${digits}e${sign}${String(Math.abs(exp)).padStart(2, "0")}`;
  }
  const negative = mantissa.startsWith("-");
  const allDigits = mantissa.replace("-", "").replace(".", "");
  let text: string;
  if (exp >= 0) {
    const whole = allDigits.slice(0, exp + 1).padEnd(exp + 1, "0");
    text = `${whole}.${allDigits.slice(exp + 1)}`;
  } else {
    text = `0.${"0".repeat(-exp - 1)}${allDigits}`;
  }
  return (negative ? "-" : "") + withPointZero(trimZeros(text));
}

function trimZeros(text: string): string {
  return text.includes(".") ? text.replace(/0+$/, "") : text;
}

function withPointZero(text: string): string {
  if (!text.includes(".")) return `${text}.0`;
  return text.endsWith(".") ? `${text}0` : text;
}

/** The text of a value (as `sqlite3_value_text`), or null for NULL. */
export function toText(value: SqliteValue): string | null {
  if (value === null || typeof value === "string") return value;
  return numberText(value);
}

function applyNumeric(value: SqliteValue): SqliteValue {
  if (typeof value !== "string" || !NUMERIC_TEXT.test(value)) return value;
  const num = Number(value.trim());
  return { num, int: INTEGER_TEXT.test(value) && Math.abs(num) < INT64_LIMIT };
}

function applyText(value: SqliteValue): SqliteValue {
  return value !== null && typeof value === "object" ? numberText(value) : value;
}

/** Orders two non-null values after affinity, as SQLite's BINARY collation does: numbers < text. */
function order(a: Exclude<SqliteValue, null>, b: Exclude<SqliteValue, null>): number {
  if (typeof a === "object" && typeof b === "object") return a.num < b.num ? -1 : a.num > b.num ? 1 : 0;
  if (typeof a === "object") return -1;
  if (typeof b === "object") return 1;
  return compareCodePoints(a, b);
}

/** UTF-8 byte order equals code point order (JS's < compares UTF-16 units, which differs above U+FFFF). */
function compareCodePoints(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a.codePointAt(i) as number;
    const cb = b.codePointAt(j) as number;
    if (ca !== cb) return ca < cb ? -1 : 1;
    i += ca > 0xffff ? 2 : 1;
    j += cb > 0xffff ? 2 : 1;
  }
  return i < a.length ? 1 : j < b.length ? -1 : 0;
}

/** Applies SQLite's comparison affinity rules to both operands. */
function withAffinity(a: Typed, b: Typed): [SqliteValue, SqliteValue] {
  const numeric = (t: Typed) => t.aff === "numeric";
  if (numeric(a) && !numeric(b)) return [a.v, applyNumeric(b.v)];
  if (numeric(b) && !numeric(a)) return [applyNumeric(a.v), b.v];
  if (a.aff === "text" && b.aff === "none") return [a.v, applyText(b.v)];
  if (b.aff === "text" && a.aff === "none") return [applyText(a.v), b.v];
  return [a.v, b.v];
}

/** A comparison operator SQLite evaluates: `=`, `<`… give NULL on a NULL operand; `IS`/`IS NOT` never do. */
export type CompareOp = "=" | ">" | ">=" | "<" | "<=" | "IS" | "IS NOT";

/** `a op b` with SQLite semantics; null stands for SQL NULL (unknown). */
export function compare(op: CompareOp, a: Typed, b: Typed): boolean | null {
  const [x, y] = withAffinity(a, b);
  if (op === "IS" || op === "IS NOT") {
    const same = x === null || y === null ? x === y : order(x, y) === 0;
    return op === "IS" ? same : !same;
  }
  if (x === null || y === null) return null;
  const c = order(x, y);
  switch (op) {
    case "=":
      return c === 0;
    case ">":
      return c > 0;
    case ">=":
      return c >= 0;
    case "<":
      return c < 0;
    case "<=":
      return c <= 0;
  }
}

/** SQLite's LOWER without ICU: ASCII letters only; numbers become their text. */
export function sqlLower(value: SqliteValue): SqliteValue {
  const text = toText(value);
  return text === null ? null : text.replace(/[A-Z]+/g, (s) => s.toLowerCase());
}

/** `x LIKE pattern ESCAPE '\'`: ASCII case-insensitive, `%` any run, `_` one character. */
export function sqlLike(value: SqliteValue, pattern: SqliteValue): boolean | null {
  const text = toText(value);
  const pat = toText(pattern);
  if (text === null || pat === null) return null;
  return likeMatch(Array.from(pat, foldAscii), Array.from(text, foldAscii));
}

function foldAscii(ch: string): string {
  return ch >= "A" && ch <= "Z" ? ch.toLowerCase() : ch;
}

type PatternItem = { any: true } | { one: true } | { lit: string };

function likeMatch(pattern: string[], text: string[]): boolean {
  const items: PatternItem[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === "\\") {
      // A trailing escape makes SQLite report no match whatever the text is.
      if (i + 1 >= pattern.length) return false;
      items.push({ lit: pattern[++i] as string });
    } else if (ch === "%") items.push({ any: true });
    else if (ch === "_") items.push({ one: true });
    else items.push({ lit: ch });
  }
  // Classic wildcard matching with backtracking to the last `%`: O(n·m) worst case on ≤ 50-byte patterns.
  let p = 0;
  let t = 0;
  let starP = -1;
  let starT = 0;
  while (t < text.length) {
    const item = items[p];
    if (item !== undefined && "any" in item) {
      starP = p++;
      starT = t;
    } else if (item !== undefined && ("one" in item || item.lit === text[t])) {
      p++;
      t++;
    } else if (starP >= 0) {
      p = starP + 1;
      t = ++starT;
    } else return false;
  }
  while (p < items.length && "any" in (items[p] as PatternItem)) p++;
  return p === items.length;
}
