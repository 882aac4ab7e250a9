/** zod parsing of flow inputs into PocketBase-shaped 400s. */
import type { z } from "zod";
import { badRequest, type ErrorData } from "../../lib/errors";

/** Longest identity, email or OTP id accepted. */
export const MAX_IDENTITY_LENGTH = 320;
/** Longest password read at all (the policy refuses long ones on set; sign-in just fails beyond this). */
export const MAX_PASSWORD_INPUT_LENGTH = 1024;
/** Longest token read from a body. */
export const MAX_BODY_TOKEN_LENGTH = 4096;

/** Parses `input` with `schema`; failures become 400 with per-field `validation_*` codes. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const data: ErrorData = {};
  for (const issue of result.error.issues) {
    const path = issue.path.join(".") || "body";
    if (data[path]) continue;
    const missing = issue.code === "invalid_type" && issue.input === undefined;
    data[path] = missing
      ? { code: "validation_required", message: "Cannot be blank." }
      : { code: "validation_invalid_value", message: "Invalid value." };
  }
  return badRequestThrow(data);
}

function badRequestThrow(data: ErrorData): never {
  throw badRequest("Failed to validate the submitted data.", data);
}
