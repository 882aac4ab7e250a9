/** Compares two definitions ignoring `updated`, so re-saving identical JSON changes nothing. */
import type { Collection } from "./collection";

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([k, v]) => k !== "updated" && v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([k, v]) => [k, canonical(v)]));
  }
  return value;
}

/** True when `a` and `b` define the same collection (key order and `updated` ignored). */
export function sameDefinition(a: Collection, b: Collection): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}
