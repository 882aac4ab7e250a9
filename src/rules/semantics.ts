/** Decisions both backends share (zero-value equality forms, LIKE patterns, bound values), so they agree. */
import { formatTimestamp } from "../lib/time";
import type { IdentifierNode } from "./ast";
import { RuleLimitError } from "./errors";
import { MAX_LIKE_PATTERN_BYTES } from "./limits";

/** What is known about an operand before the query runs: bound NULL/"" are empty, other bound values not. */
export type Emptiness = "empty" | "nonempty" | "unknown";

/**
 * How `=`/`!=` is built (PocketBase's resolveEqualExpr): both empty → constant; a known non-empty side →
 * direct comparison; one empty side → `(x = '' OR x IS NULL [OR x = zero])`; else COALESCE both sides.
 */
export type EqualityForm = "both-empty" | "direct" | "left-empty" | "right-empty" | "coalesce";

/** Picks the equality form for two operands. */
export function equalityForm(left: Emptiness, right: Emptiness): EqualityForm {
  if (left === "empty" && right === "empty") return "both-empty";
  if (left === "nonempty" || right === "nonempty") return "direct";
  if (left === "empty") return "left-empty";
  if (right === "empty") return "right-empty";
  return "coalesce";
}

/** A JS value as it is bound: NULL, a string or a number (booleans 1/0, objects as JSON text). */
export function toBindable(value: unknown): string | number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "string") return value;
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : formatTimestamp(value);
  return JSON.stringify(value) ?? null;
}

/**
 * `:lower` of a bound value, computed before binding: ASCII letters lowered as SQLite's LOWER does, numbers
 * as their JS text (decided here, so both backends agree without depending on SQLite's REAL formatting).
 */
export function lowerBound(value: string | number | null): string | null {
  return value === null ? null : String(value).replace(/[A-Z]+/g, (s) => s.toLowerCase());
}

/** Emptiness of a bound value. */
export function boundEmptiness(value: string | number | null): Emptiness {
  return value === null || value === "" ? "empty" : "nonempty";
}

/** `:length` of a bound value: array length, else 0 when empty and 1 otherwise (a single submitted value). */
export function valueLength(value: unknown): number {
  if (Array.isArray(value)) return value.length;
  const bound = toBindable(value);
  return bound === null || bound === "" ? 0 : 1;
}

/**
 * The two sides of `@request.body.f:changed` (PocketBase: the body sets `f` and `@request.body.f != f`),
 * or null when the body does not set `f` (then it is false).
 */
export function changedSides(
  node: IdentifierNode,
  body: Record<string, unknown>,
): { bodyNode: IdentifierNode; fieldNode: IdentifierNode } | null {
  const path = node.path.slice(1);
  if (!isBodySet(body, path)) return null;
  const bodyNode: IdentifierNode = { ...node, modifier: null, raw: node.raw.replace(/:changed$/, "") };
  return { bodyNode, fieldNode: { ...bodyNode, scope: "record", path, raw: path.join(".") } };
}

/** A submitted value for a list field as JSON text: arrays as they are, a single value as `[value]`. */
export function submittedList(value: unknown): string {
  const list = Array.isArray(value)
    ? value
    : value === null || value === undefined || value === ""
      ? []
      : [value];
  return JSON.stringify(list);
}

/** `@request.body.a.b:isset`: whether the submitted body holds that key. */
export function isBodySet(body: Record<string, unknown>, path: readonly string[]): boolean {
  let current: unknown = body;
  for (const key of path) {
    if (current === null || typeof current !== "object" || Array.isArray(current)) return false;
    if (!Object.hasOwn(current, key)) return false;
    current = (current as Record<string, unknown>)[key];
  }
  return true;
}

/**
 * The LIKE pattern for a bound right operand of `~`: its text wrapped in `%…%` with `\`, `%` and `_`
 * escaped, unless it already holds an unescaped `%` (then it is the pattern as written). NULL stays NULL.
 * Throws RuleLimitError over D1's 50-byte pattern cap.
 */
export function likePattern(value: string | number | null, pos?: number): string | null {
  if (value === null) return null;
  const text = String(value);
  const pattern = containsUnescaped(text, "%") ? text : `%${escapeUnescaped(text)}%`;
  if (new TextEncoder().encode(pattern).length > MAX_LIKE_PATTERN_BYTES) {
    throw new RuleLimitError(`a "~" pattern is longer than ${MAX_LIKE_PATTERN_BYTES} bytes`, pos);
  }
  return pattern;
}

function containsUnescaped(text: string, ch: string): boolean {
  const chars = Array.from(text);
  for (let i = 0; i < chars.length; i++) {
    if (chars[i] === "\\") i++;
    else if (chars[i] === ch) return true;
  }
  return false;
}

/** Escapes `\`, `%` and `_`, keeping escapes the client already wrote (`\%`, `\_`, `\\`) as they are. */
function escapeUnescaped(text: string): string {
  const chars = Array.from(text);
  let out = "";
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as string;
    const next = chars[i + 1];
    if (c === "\\" && (next === "%" || next === "_" || next === "\\")) {
      out += c + next;
      i++;
    } else out += c === "\\" || c === "%" || c === "_" ? `\\${c}` : c;
  }
  return out;
}
