/** Converts record values between the API's shapes and the editor's inputs (pure; unit-tested). */

/** `2024-05-01 10:20:30.000Z` → `2024-05-01T10:20` for a datetime-local input (UTC shown as is). */
export function toInputDate(value: unknown): string {
  if (typeof value !== "string" || value === "") return "";
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})/.exec(value);
  return m ? `${m[1]}T${m[2]}` : "";
}

/** `2024-05-01T10:20` → `2024-05-01 10:20:00.000Z` (the input is taken as UTC, as the table shows it). */
export function fromInputDate(value: string): string {
  if (!value) return "";
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::(\d{2}))?$/.exec(value);
  return m ? `${m[1]} ${m[2]}:${m[3] ?? "00"}.000Z` : value;
}

/** The JSON editor's text for a value. */
export function toJsonText(value: unknown): string {
  return value === undefined || value === null ? "" : JSON.stringify(value, null, 2);
}

/** Parses the JSON editor's text: `{ ok: true, value }` or `{ ok: false, message }`. Blank means null. */
export function parseJsonText(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  if (text.trim() === "") return { ok: true, value: null };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    return { ok: false, message: `Invalid JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** Field names the record editor never shows as inputs. */
export function isEditable(field: {
  name: string;
  type: string;
  system?: boolean;
  hidden?: boolean;
}): boolean {
  if (field.type === "autodate") return false;
  if (field.name === "tokenKey") return false;
  return true;
}
