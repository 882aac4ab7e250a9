/** Date macro values, computed from RuleContext.now in UTC, in PocketBase's text format. */
import { formatTimestamp } from "../lib/time";
import type { MacroName } from "./ast";

const DAY_MS = 86_400_000;

/** The value of `@name` at instant `now`: a timestamp string (`2026-11-23 00:00:00.000Z`) or a number. */
export function macroValue(name: MacroName, now: Date): string | number {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  const d = now.getUTCDate();
  switch (name) {
    case "now":
      return formatTimestamp(now);
    case "second":
      return now.getUTCSeconds();
    case "minute":
      return now.getUTCMinutes();
    case "hour":
      return now.getUTCHours();
    case "weekday":
      return now.getUTCDay();
    case "day":
      return d;
    case "month":
      return m + 1;
    case "year":
      return y;
    case "yesterday":
      return formatTimestamp(new Date(now.getTime() - DAY_MS));
    case "tomorrow":
      return formatTimestamp(new Date(now.getTime() + DAY_MS));
    case "todayStart":
      return formatTimestamp(new Date(Date.UTC(y, m, d)));
    case "todayEnd":
      return formatTimestamp(new Date(Date.UTC(y, m, d + 1) - 1));
    case "monthStart":
      return formatTimestamp(new Date(Date.UTC(y, m, 1)));
    case "monthEnd":
      return formatTimestamp(new Date(Date.UTC(y, m + 1, 1) - 1));
    case "yearStart":
      return formatTimestamp(new Date(Date.UTC(y, 0, 1)));
    case "yearEnd":
      return formatTimestamp(new Date(Date.UTC(y + 1, 0, 1) - 1));
  }
}
