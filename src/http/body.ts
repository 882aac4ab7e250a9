/** Request body parsing that fails with a 400 in the error shape instead of a runtime SyntaxError. */
import type { Context } from "hono";
import { badRequest } from "../lib/errors";
import type { AppEnv } from "./context";

/** Reads a JSON object body; an empty body is `{}`; anything else that is not a JSON object is a 400. */
export async function readJsonObject(c: Context<AppEnv>): Promise<Record<string, unknown>> {
  const text = await c.req.text();
  if (text.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw badRequest("Failed to load the submitted data due to invalid formatting.", {}, cause);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw badRequest("The request body must be a JSON object.");
  }
  return value as Record<string, unknown>;
}
