/** Request body parsing that fails with a 400 in the error shape instead of a runtime SyntaxError or RangeError. */
import type { Context } from "hono";
import { badRequest } from "../lib/errors";
import type { AppEnv } from "./context";

/**
 * Deepest nesting of arrays and objects accepted in a JSON body. Recursive code downstream (JSON.stringify,
 * validation) would overflow the stack on deeper values and answer 500; no record needs more.
 */
export const MAX_JSON_DEPTH = 64;

/** The deepest nesting in JSON text, counted in one linear scan (brackets inside strings ignored). */
function nestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) max = Math.max(max, ++depth);
    else if (c === 93 || c === 125) depth--;
  }
  return max;
}

/**
 * Parses JSON text from a client: a 400 for invalid or too deeply nested JSON, and `__proto__` keys dropped at
 * every level, so merging the value into another object (`@jsonPayload`) can never change a prototype.
 */
export function parseClientJson(text: string): unknown {
  if (nestingDepth(text) > MAX_JSON_DEPTH) {
    throw badRequest(`The submitted JSON is nested deeper than ${MAX_JSON_DEPTH} levels.`);
  }
  try {
    return JSON.parse(text, (key, value) => (key === "__proto__" ? undefined : value));
  } catch (cause) {
    throw badRequest("Failed to load the submitted data due to invalid formatting.", {}, cause);
  }
}

/** Reads a JSON object body; an empty body is `{}`; anything else that is not a JSON object is a 400. */
export async function readJsonObject(c: Context<AppEnv>): Promise<Record<string, unknown>> {
  const text = await c.req.text();
  if (text.trim() === "") return {};
  const value = parseClientJson(text);
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw badRequest("The request body must be a JSON object.");
  }
  return value as Record<string, unknown>;
}
