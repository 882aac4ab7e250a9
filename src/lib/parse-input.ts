/** The one mapping from zod failures to PocketBase-shaped 400s: `{data: {path: {code: "validation_…", message}}}`. */
import type { z } from "zod";
import { badRequest, type ErrorData, type FieldError } from "./errors";

/** The message of every input 400, as PocketBase words it. */
export const VALIDATION_MESSAGE = "Failed to validate the submitted data.";

/** One zod issue as a field error: a missing value is `validation_required`, anything else `validation_invalid_value`. */
export function issueError(issue: z.core.$ZodIssue): FieldError {
  // zod 4 leaves the input out of issues (unless asked to report it); its message says when it was missing.
  const missing = issue.code === "invalid_type" && issue.message.endsWith("received undefined");
  return missing
    ? { code: "validation_required", message: "Cannot be blank." }
    : { code: "validation_invalid_value", message: issue.message || "Invalid value." };
}

/** Every issue's error keyed by its dotted path under `prefix` (the first issue of a path wins). */
export function issuesData(issues: readonly z.core.$ZodIssue[], prefix = "", root = "body"): ErrorData {
  const data: ErrorData = {};
  for (const issue of issues) {
    const path = [prefix, ...issue.path.map(String)].filter((p) => p !== "").join(".") || root;
    data[path] ??= issueError(issue);
  }
  return data;
}

/** Options of {@link parseInput}. */
export interface ParseInputOptions {
  /** The 400's message (default {@link VALIDATION_MESSAGE}). */
  message?: string;
  /** Prefix of every path in `data` (e.g. `fields.2`). */
  prefix?: string;
  /** The path named when the whole input is wrong (default `body`). */
  root?: string;
}

/** Parses `input` with `schema`; a failure is a 400 naming each failing path with a `validation_*` code. */
export function parseInput<T extends z.ZodType>(
  schema: T,
  input: unknown,
  options: ParseInputOptions = {},
): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw badRequest(
    options.message ?? VALIDATION_MESSAGE,
    issuesData(result.error.issues, options.prefix, options.root),
  );
}
