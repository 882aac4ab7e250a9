/** Record write bodies: JSON objects, or multipart/form-data with form values and an `@jsonPayload` part. */
import type { Context } from "hono";
import { badRequest } from "../lib/errors";
import { parseClientJson, readJsonObject } from "./body";
import type { AppEnv } from "./context";

/** Reads a record body as PocketBase accepts it; files are refused until file fields exist. */
export async function readRecordBody(c: Context<AppEnv>): Promise<Record<string, unknown>> {
  const type = c.req.header("content-type") ?? "";
  if (!type.toLowerCase().startsWith("multipart/form-data")) return readJsonObject(c);
  let form: FormData;
  try {
    form = await c.req.raw.formData();
  } catch (cause) {
    throw badRequest("Failed to load the submitted data due to invalid formatting.", {}, cause);
  }
  return formToObject(form);
}

/** Form values to a body object: repeated keys become lists, `@jsonPayload` parts are merged in. */
export function formToObject(form: FormData): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of form.entries()) {
    // Never a prototype: a form field named `__proto__` is dropped like the same key in JSON.
    if (key === "__proto__") continue;
    if (typeof value !== "string") {
      throw badRequest("Failed to validate the submitted data.", {
        [key]: { code: "validation_file_unsupported", message: "File uploads are not supported yet." },
      });
    }
    if (key === "@jsonPayload") {
      const payload = parseClientJson(value);
      if (payload === null || typeof payload !== "object" || Array.isArray(payload)) {
        throw badRequest("The @jsonPayload part must be a JSON object.");
      }
      Object.assign(out, payload);
      continue;
    }
    const previous = out[key];
    if (previous === undefined) out[key] = value;
    else out[key] = Array.isArray(previous) ? [...previous, value] : [previous, value];
  }
  return out;
}
