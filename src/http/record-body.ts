/** Record write bodies: JSON objects, or multipart/form-data with form values and an `@jsonPayload` part. */
import type { Context } from "hono";
import { badRequest } from "../lib/errors";
import { parseClientJson, readJsonObject } from "./body";
import type { AppEnv } from "./context";

/** At most this many parts in one multipart body (files and values together). */
export const MAX_FORM_PARTS = 1000;

/**
 * Reads a record body as PocketBase accepts it; file parts stay `File` values for the records engine.
 *
 * Multipart bodies go through the runtime's formData(), which buffers the whole body: the app's body limit
 * (middleware/body-limit.ts, 10 MB by default) is what bounds memory. A streaming parser was weighed and not
 * taken, as it would not lower that bound much: an object's key holds the record id, which a later part may set
 * (`id`), so file parts would still be held until the body ends; and an R2 put needs the length up front, which
 * a part does not declare. It would save the raw body buffer, not the parts. (Its size was no obstacle:
 * @remix-run/multipart-parser 0.16.3 is 3.0 KB gzip.)
 */
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
  let parts = 0;
  for (const [key, value] of form.entries()) {
    if (++parts > MAX_FORM_PARTS) throw badRequest(`A form may have at most ${MAX_FORM_PARTS} parts.`);
    // Never a prototype: a form field named `__proto__` is dropped like the same key in JSON.
    if (key === "__proto__") continue;
    if (key === "@jsonPayload" && typeof value === "string") {
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

const BATCH_FILE_KEY = /^requests\.(\d{1,4})\.(.+)$/;

/**
 * Moves a multipart batch's file parts (`requests.N.field`, as the SDK sends them) into the body of request N;
 * a part naming no request is refused.
 */
export function attachBatchFiles(input: Record<string, unknown>): Record<string, unknown> {
  const requests = input.requests;
  for (const [key, value] of Object.entries(input)) {
    const match = BATCH_FILE_KEY.exec(key);
    if (!match) continue;
    const request = Array.isArray(requests) ? requests[Number(match[1])] : undefined;
    if (request === null || typeof request !== "object" || Array.isArray(request)) {
      throw badRequest(`The part ${key.slice(0, 100)} names no request of the batch.`);
    }
    const item = request as { body?: unknown };
    const body = item.body === null || typeof item.body !== "object" ? {} : (item.body as object);
    const field = match[2] as string;
    if (field === "__proto__") continue;
    const previous = (body as Record<string, unknown>)[field];
    const added = Array.isArray(value) ? value : [value];
    item.body = {
      ...body,
      [field]:
        previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), ...added],
    };
    delete input[key];
  }
  return input;
}
