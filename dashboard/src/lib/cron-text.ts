/** A cron expression in words for the crons page, for the common shapes; anything else is shown as is (pure). */

const MACROS: Record<string, string> = {
  "@yearly": "Every year, Jan 1 at 00:00 UTC",
  "@annually": "Every year, Jan 1 at 00:00 UTC",
  "@monthly": "Every month, on the 1st at 00:00 UTC",
  "@weekly": "Every week, Sunday at 00:00 UTC",
  "@daily": "Every day at 00:00 UTC",
  "@midnight": "Every day at 00:00 UTC",
  "@hourly": "Every hour, at minute 0",
};

const pad = (n: string) => n.padStart(2, "0");

/** "Every minute", "Every 6 hours, at minute 0", "Every day at 03:30", …; the expression itself otherwise. */
export function describeCron(expression: string): string {
  const text = expression.trim();
  const macro = MACROS[text];
  if (macro) return macro;
  const parts = text.split(/\s+/);
  if (parts.length !== 5) return text;
  const [minute, hour, dom, month, dow] = parts as [string, string, string, string, string];
  const everyDay = dom === "*" && month === "*" && dow === "*";
  if (!everyDay) return text;
  if (minute === "*" && hour === "*") return "Every minute";
  const everyMinutes = /^\*\/(\d+)$/.exec(minute);
  if (everyMinutes && hour === "*") return `Every ${everyMinutes[1]} minutes`;
  if (/^\d+$/.test(minute)) {
    if (hour === "*") return `Every hour, at minute ${minute}`;
    const everyHours = /^(?:\*|0)\/(\d+)$/.exec(hour);
    if (everyHours) return `Every ${everyHours[1]} hours, at minute ${minute}`;
    if (/^\d+$/.test(hour)) return `Every day at ${pad(hour)}:${pad(minute)} UTC`;
  }
  return text;
}
