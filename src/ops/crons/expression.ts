/**
 * Cron expressions as PocketBase accepts them: five fields (minute hour day-of-month month day-of-week) with
 * `*`, `a-b`, `/step` and lists, or a macro (@yearly, @monthly, @weekly, @daily, @midnight, @hourly). As in
 * PocketBase, a moment is due when every field matches (day-of-month AND day-of-week), evaluated in UTC.
 */

/** A parsed expression: the allowed values of each field. */
export interface CronSchedule {
  minutes: ReadonlySet<number>;
  hours: ReadonlySet<number>;
  days: ReadonlySet<number>;
  months: ReadonlySet<number>;
  weekdays: ReadonlySet<number>;
}

/** An expression that does not parse; `message` says why. */
export class CronExpressionError extends Error {
  override name = "CronExpressionError";
}

const MACROS: Record<string, string> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};

const RANGES: readonly [string, number, number][] = [
  ["minute", 0, 59],
  ["hour", 0, 23],
  ["day of month", 1, 31],
  ["month", 1, 12],
  ["day of week", 0, 6],
];

function parseNumber(raw: string, name: string, min: number, max: number): number {
  if (!/^\d{1,2}$/.test(raw)) throw new CronExpressionError(`invalid ${name} value "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new CronExpressionError(`${name} must be between ${min} and ${max}`);
  return n;
}

function parseField(raw: string, name: string, min: number, max: number): Set<number> {
  const values = new Set<number>();
  for (const part of raw.split(",")) {
    const [range, stepRaw, extra] = part.split("/");
    if (range === undefined || extra !== undefined)
      throw new CronExpressionError(`invalid ${name} "${part}"`);
    const step = stepRaw === undefined ? 1 : parseNumber(stepRaw, `${name} step`, 1, max);
    let from = min;
    let to = max;
    if (range !== "*") {
      const [a, b, more] = range.split("-");
      if (a === undefined || more !== undefined) throw new CronExpressionError(`invalid ${name} "${part}"`);
      from = parseNumber(a, name, min, max);
      to = b === undefined ? (stepRaw === undefined ? from : max) : parseNumber(b, name, min, max);
      if (to < from) throw new CronExpressionError(`invalid ${name} range "${range}"`);
    }
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return values;
}

/** Parses an expression; throws {@link CronExpressionError}. */
export function parseCron(expression: string): CronSchedule {
  const text = expression.trim();
  if (text.length > 200) throw new CronExpressionError("expression is too long");
  const fields = (MACROS[text.toLowerCase()] ?? text).split(/\s+/);
  if (fields.length !== 5) throw new CronExpressionError("expected 5 fields or a macro");
  const [minutes, hours, days, months, weekdays] = fields.map((f, i) => {
    const [name, min, max] = RANGES[i] as [string, number, number];
    return parseField(f, name, min, max);
  }) as [Set<number>, Set<number>, Set<number>, Set<number>, Set<number>];
  return { minutes, hours, days, months, weekdays };
}

/** True when `date`'s minute (UTC) matches the schedule. */
export function isDue(schedule: CronSchedule, date: Date): boolean {
  return (
    schedule.minutes.has(date.getUTCMinutes()) &&
    schedule.hours.has(date.getUTCHours()) &&
    schedule.days.has(date.getUTCDate()) &&
    schedule.months.has(date.getUTCMonth() + 1) &&
    schedule.weekdays.has(date.getUTCDay())
  );
}
