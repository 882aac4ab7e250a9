/**
 * The logs page's requests-per-hour chart: the API's sparse per-hour counts (`pb.logs.getStats`) turned into one
 * bar per hour of the chosen period, zeros included, with a rounded scale. Pure; unit-tested.
 */

/** One hour as the stats API answers it: `{date: "2024-01-02 13:00:00.000Z", total}`. */
export interface HourlyStat {
  date: string;
  total: number;
}

/** One bar: the hour's start (ms since the epoch, UTC) and its count. */
export interface Bar {
  start: number;
  total: number;
}

const HOUR = 3_600_000;

/** The periods the chart offers, in hours. */
export const CHART_PERIODS: { hours: number; label: string }[] = [
  { hours: 24, label: "Last 24 hours" },
  { hours: 24 * 7, label: "Last 7 days" },
  { hours: 24 * 30, label: "Last 30 days" },
];

/** Milliseconds of a stats or log date (`YYYY-MM-DD HH:MM:SS.sssZ`), NaN when it is not one. */
export function parseLogDate(date: string): number {
  return Date.parse(date.replace(" ", "T"));
}

/** The start of the first hour shown when the chart ends at `now` and covers `hours` hours. */
export function periodStart(now: Date, hours: number): Date {
  const end = Math.floor(now.getTime() / HOUR) * HOUR;
  return new Date(end - (hours - 1) * HOUR);
}

/** A date in the filter language's form (`2024-01-02 13:00:00.000Z`). */
export function filterDate(date: Date): string {
  return date.toISOString().replace("T", " ");
}

/** The stats filter: the table's filter (if any) and the period's start, so the API counts only what is drawn. */
export function statsFilter(filter: string, since: Date): string {
  const bound = `created >= "${filterDate(since)}"`;
  return filter.trim() ? `(${filter.trim()}) && ${bound}` : bound;
}

/** One bar per hour from `since` for `hours` hours; hours the API did not list count 0, others are ignored. */
export function hourlySeries(stats: readonly HourlyStat[], since: Date, hours: number): Bar[] {
  const first = Math.floor(since.getTime() / HOUR) * HOUR;
  const bars: Bar[] = Array.from({ length: hours }, (_, i) => ({ start: first + i * HOUR, total: 0 }));
  for (const stat of stats) {
    const at = parseLogDate(stat.date);
    if (Number.isNaN(at)) continue;
    const index = Math.floor((at - first) / HOUR);
    const bar = bars[index];
    if (bar) bar.total += Number(stat.total) || 0;
  }
  return bars;
}

/** The scale's top: the smallest 1, 2 or 5 × 10ⁿ at or above `max` (at least 1). */
export function niceMax(max: number): number {
  if (!(max > 1)) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) if (step * power >= max) return step * power;
  return 10 * power;
}

/** Indexes of the bars that get a time label: about `labels` of them, evenly spaced, the last one included. */
export function labelIndexes(count: number, labels = 6): number[] {
  if (count <= 0) return [];
  const every = Math.max(1, Math.ceil(count / labels));
  const out: number[] = [];
  for (let i = count - 1; i >= 0; i -= every) out.unshift(i);
  return out;
}

/** A bar's label: the hour (`14:00`) within a day, with the date (`Jan 2, 14:00`) over longer periods. */
export function barLabel(start: number, withDate: boolean): string {
  const d = new Date(start);
  const time = `${String(d.getHours()).padStart(2, "0")}:00`;
  if (!withDate) return time;
  return `${d.toLocaleDateString(undefined, { month: "short", day: "numeric" })}, ${time}`;
}
