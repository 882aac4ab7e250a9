/** Collects validation errors by path (`fields.2.name`) and throws them as one 400. */

import type { z } from "zod";
import { badRequest, type ErrorData, type FieldError } from "../lib/errors";
import { issuesData } from "../lib/parse-input";

/** Accumulates `{path: {code, message}}` entries; the first error per path wins. */
export class ValidationErrors {
  readonly data: ErrorData = {};

  /** Records an error at `path` unless one is already there. */
  add(path: string, code: string, message: string): void {
    if (!Object.hasOwn(this.data, path)) this.data[path] = { code, message };
  }

  /** Records zod issues under `prefix` (e.g. `fields.2`). */
  addIssues(issues: readonly z.core.$ZodIssue[], prefix = ""): void {
    for (const [path, error] of Object.entries(issuesData(issues, prefix, "data"))) {
      const { code, message } = error as FieldError;
      this.add(path, code, message);
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
