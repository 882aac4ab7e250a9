/** SQLite's strftime for the evaluator: common formats and modifiers; anything else defers to SQL. */
import type { SqliteValue } from "./sqlite-values";
import { toText } from "./sqlite-values";

const DAY_MS = 86_400_000;
/** Julian day 0 in unix milliseconds is -JD_EPOCH_MS (SQLite's iJD offset for 1970-01-01). */
const JD_EPOCH_MS = 210_866_760_000_000;
const DATE_TEXT =
  /^(\d{4})-(\d{2})-(\d{2})(?:[ T]+(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?\s*(Z|z|[+-]\d{2}:\d{2})?\s*$/;
const TIME_TEXT = /^(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?\s*(Z|z|[+-]\d{2}:\d{2})?\s*$/;
const NUMBER_TEXT = /^[ \t\n\v\f\r]*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[ \t\n\v\f\r]*$/;
/** SQLite's valid range: julian day 0 (-4713-11-24) to 9999-12-31 23:59:59.999, in unix ms. */
const MIN_MS = -JD_EPOCH_MS;
const MAX_MS = 253_402_300_799_999;
const ADD_MODIFIER = /^([+-]?\d+(?:\.\d+)?)\s+(day|hour|minute|second|month|year)s?$/;
const UNITS_MS: Record<string, number> = { day: DAY_MS, hour: 3_600_000, minute: 60_000, second: 1000 };

/**
 * `strftime(format, time, modifiers…)` as SQLite computes it: the text result, null for SQL NULL, or
 * undefined when this implementation does not cover the input ('now', 'localtime', unusual specifiers…).
 */
export function sqlStrftime(args: SqliteValue[]): SqliteValue | undefined {
  const [formatArg, timeArg, ...modifierArgs] = args;
  if (formatArg === null || formatArg === undefined || timeArg === null || timeArg === undefined) return null;
  const modifiers: string[] = [];
  for (const m of modifierArgs) {
    const text = toText(m);
    if (text === null) return null;
    modifiers.push(text.trim().toLowerCase());
  }
  let ms: number | null | undefined;
  if (modifiers[0] === "unixepoch" && (typeof timeArg === "object" || NUMBER_TEXT.test(timeArg))) {
    const seconds = typeof timeArg === "object" ? timeArg.num : Number(timeArg.trim());
    ms = Math.floor(seconds * 1000 + 0.5);
    modifiers.shift();
  } else ms = parseTime(timeArg);
  if (ms === null || ms === undefined) return ms;
  for (const modifier of modifiers) {
    ms = applyModifier(ms, modifier);
    if (ms === null || ms === undefined) return ms;
  }
  if (!Number.isFinite(ms) || ms < MIN_MS || ms > MAX_MS) return null;
  // Years before 0 render with a sign SQLite pads its own way: leave them to SQL.
  if (new Date(ms).getUTCFullYear() < 0) return undefined;
  return format(toText(formatArg) as string, ms);
}

function parseTime(value: Exclude<SqliteValue, null>): number | null | undefined {
  if (typeof value === "object") return julianToMs(value.num);
  const text = value.trim();
  if (text.toLowerCase() === "now") return undefined;
  if (NUMBER_TEXT.test(text)) return julianToMs(Number(text.trim()));
  const date = DATE_TEXT.exec(text);
  if (date) {
    const [, y, mo, d, h = "0", mi = "0", s = "0", frac = "", tz] = date;
    return fromParts(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s), frac, tz);
  }
  const time = TIME_TEXT.exec(text);
  if (time) {
    const [, h, mi, s = "0", frac = "", tz] = time;
    return fromParts(2000, 1, 1, Number(h), Number(mi), Number(s), frac, tz);
  }
  return null;
}

function fromParts(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  frac: string,
  tz: string | undefined,
): number | null {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 24 || mi > 59 || s > 59) return null;
  let ms = Date.UTC(y, mo - 1, d, h, mi, s) + Math.round(Number(`0${frac}`) * 1000);
  if (y < 100) ms = withYear(ms, y);
  if (tz && tz.toUpperCase() !== "Z") {
    const sign = tz.startsWith("-") ? -1 : 1;
    const offset = (Number(tz.slice(1, 3)) * 60 + Number(tz.slice(4, 6))) * 60_000;
    ms -= sign * offset;
  }
  return ms;
}

/** Date.UTC maps years 0–99 to 1900–1999; SQLite does not. */
function withYear(ms: number, year: number): number {
  const date = new Date(ms);
  date.setUTCFullYear(year);
  return date.getTime();
}

function julianToMs(jd: number): number | null {
  if (!(jd >= 0 && jd <= 5373484.5)) return null;
  return Math.floor(jd * DAY_MS + 0.5) - JD_EPOCH_MS;
}

function applyModifier(ms: number, modifier: string): number | null | undefined {
  const add = ADD_MODIFIER.exec(modifier);
  if (add) {
    const amount = Number(add[1]);
    const unit = add[2] as string;
    if (unit === "month" || unit === "year") {
      if (!Number.isInteger(amount)) return undefined;
      const date = new Date(ms);
      const months = unit === "year" ? amount * 12 : amount;
      const moved = Date.UTC(
        date.getUTCFullYear(),
        date.getUTCMonth() + months,
        date.getUTCDate(),
        date.getUTCHours(),
        date.getUTCMinutes(),
        date.getUTCSeconds(),
        date.getUTCMilliseconds(),
      );
      return date.getUTCFullYear() + Math.floor((date.getUTCMonth() + months) / 12) < 100 ? undefined : moved;
    }
    return ms + Math.round(amount * (UNITS_MS[unit] as number));
  }
  const date = new Date(ms);
  switch (modifier) {
    case "start of day":
      return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
    case "start of month":
      return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
    case "start of year":
      return Date.UTC(date.getUTCFullYear(), 0, 1);
  }
  const weekday = /^weekday (\d)$/.exec(modifier);
  if (weekday && Number(weekday[1]) <= 6) {
    return ms + ((Number(weekday[1]) - date.getUTCDay() + 7) % 7) * DAY_MS;
  }
  return undefined;
}

function format(pattern: string, ms: number): string | undefined {
  const date = new Date(ms);
  const pad = (n: number, width = 2, fill = "0") => String(n).padStart(width, fill);
  const hour12 = date.getUTCHours() % 12 === 0 ? 12 : date.getUTCHours() % 12;
  const yearStart = Date.UTC(date.getUTCFullYear(), 0, 1);
  const seconds = date.getUTCSeconds() + date.getUTCMilliseconds() / 1000;
  const specs: Record<string, () => string> = {
    d: () => pad(date.getUTCDate()),
    e: () => pad(date.getUTCDate(), 2, " "),
    f: () => seconds.toFixed(3).padStart(6, "0"),
    F: () => `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`,
    H: () => pad(date.getUTCHours()),
    I: () => pad(hour12),
    j: () => pad(Math.floor((ms - yearStart) / DAY_MS) + 1, 3),
    k: () => pad(date.getUTCHours(), 2, " "),
    l: () => pad(hour12, 2, " "),
    m: () => pad(date.getUTCMonth() + 1),
    M: () => pad(date.getUTCMinutes()),
    p: () => (date.getUTCHours() < 12 ? "AM" : "PM"),
    R: () => `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}`,
    s: () => String(Math.trunc(ms / 1000)),
    S: () => pad(date.getUTCSeconds()),
    T: () => `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`,
    u: () => String(date.getUTCDay() === 0 ? 7 : date.getUTCDay()),
    w: () => String(date.getUTCDay()),
    Y: () => pad(date.getUTCFullYear(), 4),
    "%": () => "%",
  };
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch !== "%") {
      out += ch;
      continue;
    }
    const spec = specs[pattern[i + 1] ?? ""];
    if (spec === undefined) return undefined;
    out += spec();
    i++;
  }
  return out;
}
