/** Collects validation errors by path (`fields.2.name`) and throws them as one 400. */
import type { z } from "zod";
import { badRequest, type ErrorData } from "../lib/errors";

/** Accumulates `{path: {code, message}}` entries; the first error per path wins. */
export class ValidationErrors {
  readonly data: ErrorData = {};

  /** Records an error at `path` unless one is already there. */
  add(path: string, code: string, message: string): void {
    if (!Object.hasOwn(this.data, path)) this.data[path] = { code, message };
  }

  /** Records zod issues under `prefix` (e.g. `fields.2`). */
  addIssues(issues: readonly z.core.$ZodIssue[], prefix = ""): void {
    for (const issue of issues) {
      const path = [prefix, ...issue.path.map(String)].filter((p) => p !== "").join(".") || "data";
      // Zod leaves the input out of issues; its message says when the value was missing.
      const missing = issue.code === "invalid_type" && issue.message.endsWith("received undefined");
      this.add(path, missing ? "validation_required" : "validation_invalid_value", issue.message);
    }
  }

  /** True when nothing was recorded. */
  get empty(): boolean {
    return Object.keys(this.data).length === 0;
  }

  /** Throws a 400 carrying every recorded error, if any. */
  throwIfAny(): void {
    if (!this.empty) throw badRequest("Failed to validate the submitted data.", this.data);
  }
}
