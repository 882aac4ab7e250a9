/** PocketBase's timestamp format: UTC `YYYY-MM-DD HH:MM:SS.sssZ`, sortable as text. */

/** Formats a date as PocketBase does: `2026-11-23 13:16:37.123Z`. */
export function formatTimestamp(date: Date = new Date()): string {
  return date.toISOString().replace("T", " ");
}

/** Parses a PocketBase or ISO timestamp; returns undefined when it is not a valid date. */
export function parseTimestamp(value: string): Date | undefined {
  const date = new Date(value.includes("T") ? value : value.replace(" ", "T"));
  return Number.isNaN(date.getTime()) ? undefined : date;
}
