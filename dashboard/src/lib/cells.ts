/** How a record value is shown in a table cell (pure; unit-tested). */

/** The longest text a cell shows before cutting it. */
const MAX_CELL = 80;

/** A short, single-line rendering of any field value. */
export function cellText(value: unknown, type: string): string {
  if (value === null || value === undefined || value === "") return "";
  if (type === "bool") return value ? "true" : "false";
  if (type === "password") return "••••••";
  if (type === "geoPoint" && typeof value === "object") {
    const p = value as { lon?: number; lat?: number };
    return `${p.lat ?? 0}, ${p.lon ?? 0}`;
  }
  let text = Array.isArray(value)
    ? value.join(", ")
    : typeof value === "object"
      ? JSON.stringify(value)
      : String(value);
  if (type === "editor") text = text.replace(/<[^>]*>/g, " ");
  text = text.replace(/\s+/g, " ").trim();
  return text.length > MAX_CELL ? `${text.slice(0, MAX_CELL - 1)}…` : text;
}

/** The next sort expression when a column header is clicked: ascending, then descending, then none. */
export function nextSort(current: string, field: string): string {
  if (current === field) return `-${field}`;
  if (current === `-${field}`) return "";
  return field;
}
