/** Sizes and dates as the operations pages show them (pure). */

/** A byte count for people: `512 B`, `1.5 KB`, `12.3 MB` (powers of 1024). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return "—";
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** An API timestamp (`2024-01-02 13:05:09.123Z`) in local time to the second (`2024-01-02 14:05:09`). */
export function shortDate(date: string): string {
  const ms = Date.parse(date.replace(" ", "T"));
  if (Number.isNaN(ms)) return date;
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
