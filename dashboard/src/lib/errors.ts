/** Turns SDK errors into what the screens show: a message, and messages per field path. */
import { ClientResponseError } from "pocketbase";

/** A failure as shown: a summary and the messages keyed by field path (`title`, `fields.0.name`). */
export interface ShownError {
  message: string;
  fields: Record<string, string>;
}

function flatten(data: unknown, prefix: string, out: Record<string, string>): void {
  if (!data || typeof data !== "object") return;
  for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (value && typeof value === "object" && "message" in value && typeof value.message === "string") {
      out[path] = value.message;
    } else {
      flatten(value, path, out);
    }
  }
}

/** Describes any thrown value; API errors keep their field messages. */
export function describeError(error: unknown): ShownError {
  if (error instanceof ClientResponseError) {
    const fields: Record<string, string> = {};
    flatten(error.response?.data, "", fields);
    const message =
      error.status === 0 ? "The server could not be reached." : error.response?.message || error.message;
    return { message, fields };
  }
  return { message: error instanceof Error ? error.message : String(error), fields: {} };
}
