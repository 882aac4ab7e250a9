/** Batch guards and constraint errors: how a rejected write aborts its whole D1 batch, and how we tell why. */
import type { Collection } from "../collections/collection";
import { SCHEMA_VERSION_KEY } from "../collections/store";
import { type ApiError, badRequest } from "../lib/errors";

const GUARD_PREFIX = "edgebase_guard_";
const GUARD_ERROR = /bad JSON path: '?edgebase_guard_(\d+)/;
const CHECK_PREFIX = "edgebase_check_";
const CHECK_ERROR = /bad JSON path: '?edgebase_check_([a-z_]+?)__([A-Za-z0-9_]+)/;
const UNIQUE_ERROR = /UNIQUE constraint failed: ([^:]+?)(?::\s*SQLITE_|$)/;

/**
 * A statement that fails, aborting (and so rolling back) the whole batch, when the statement before it changed
 * no rows: a write whose rule or version check did not match. D1 has no RAISE outside triggers, so the failure
 * is an invalid JSON path whose text carries `tag`; {@link guardTag} reads it back from the error.
 */
export function guardStatement(db: D1Database | D1DatabaseSession, tag: number): D1PreparedStatement {
  return db.prepare(
    `SELECT CASE WHEN changes() = 0 THEN json_extract('{}', '${GUARD_PREFIX}${Math.trunc(tag)}') ELSE 1 END AS ok`,
  );
}

const SCHEMA_GUARD = "edgebase_stale_schema";

/**
 * A statement that aborts the batch when D1's schema version is not `version` (the one the writes were planned
 * with): a concurrent schema change removed or renamed what the plan names, or changed its rules.
 */
export function schemaGuardStatement(
  db: D1Database | D1DatabaseSession,
  version: string,
): D1PreparedStatement {
  return db
    .prepare(
      `SELECT CASE WHEN (SELECT value FROM _params WHERE key = ?) IS NOT ? THEN json_extract('{}', '${SCHEMA_GUARD}') ELSE 1 END AS ok`,
    )
    .bind(SCHEMA_VERSION_KEY, version === "" ? null : version);
}

/** True when a batch was aborted by {@link schemaGuardStatement}. */
export function isSchemaGuardError(err: unknown): boolean {
  return (err instanceof Error ? err.message : String(err)).includes(`bad JSON path: '${SCHEMA_GUARD}'`);
}

/** The tag of the guard that aborted a batch, or undefined for any other error. */
export function guardTag(err: unknown): number | undefined {
  const match = GUARD_ERROR.exec(err instanceof Error ? err.message : String(err));
  return match ? Number(match[1]) : undefined;
}

const DEPENDANTS_GUARD = "edgebase_new_dependants";

/**
 * A statement that aborts the batch when `existsSql` (an `EXISTS (…)` over `params`) is true: placed after a
 * delete's cascade, it finds a reference to a deleted record that the cascade's read did not see, because it
 * was written concurrently. The delete is then planned again (see {@link isDependantsGuardError}).
 */
export function dependantsGuardStatement(
  db: D1Database | D1DatabaseSession,
  existsSql: string,
  params: unknown[],
): D1PreparedStatement {
  return db
    .prepare(`SELECT CASE WHEN ${existsSql} THEN json_extract('{}', '${DEPENDANTS_GUARD}') ELSE 1 END AS ok`)
    .bind(...params);
}

/** True when a batch was aborted by {@link dependantsGuardStatement}. */
export function isDependantsGuardError(err: unknown): boolean {
  return (err instanceof Error ? err.message : String(err)).includes(`bad JSON path: '${DEPENDANTS_GUARD}'`);
}

/** Why an atomic column operation refused its result (see records/column-sql.ts). */
export type CheckKind = "min" | "max" | "required" | "too_many" | "not_enough" | "missing_rel";

const CHECK_ERRORS: Record<CheckKind, { code: string; message: string }> = {
  min: { code: "validation_min_number_constraint", message: "The result is below the field's minimum." },
  max: { code: "validation_max_number_constraint", message: "The result is above the field's maximum." },
  required: { code: "validation_required", message: "Cannot be blank." },
  too_many: { code: "validation_too_many_values", message: "The result has more values than allowed." },
  not_enough: { code: "validation_not_enough_values", message: "The result has fewer values than required." },
  missing_rel: {
    code: "validation_missing_rel_records",
    message: "Failed to find all relation records with the provided ids.",
  },
};

/**
 * An SQL expression that fails its statement (aborting the batch) with an error naming `kind` and `fieldName`,
 * the same invalid-JSON-path trick as {@link guardStatement}. Field names are identifiers, safe to inline.
 */
export function checkFailure(kind: CheckKind, fieldName: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(fieldName)) throw new TypeError(`invalid field name ${fieldName}`);
  return `json_extract('{}', '${CHECK_PREFIX}${kind}__${fieldName}')`;
}

/** The 400 of a failed column check, or undefined when `err` is not one. */
export function checkError(err: unknown): ApiError | undefined {
  const match = CHECK_ERROR.exec(err instanceof Error ? err.message : String(err));
  const error = match ? CHECK_ERRORS[match[1] as CheckKind] : undefined;
  if (!match || !error) return undefined;
  return badRequest("Failed to validate the submitted data.", { [match[2] as string]: error }, err);
}

/**
 * Maps a UNIQUE constraint failure to PocketBase's `validation_not_unique` on the offending fields of the
 * collections a batch wrote; undefined when `err` is not one.
 */
export function uniqueError(err: unknown, collections: readonly Collection[]): ApiError | undefined {
  const match = UNIQUE_ERROR.exec(err instanceof Error ? err.message : String(err));
  if (!match) return undefined;
  const data: Record<string, { code: string; message: string }> = {};
  for (const part of (match[1] as string).split(",")) {
    const [table, column] = part.trim().split(".");
    const collection = collections.find((c) => c.name === table);
    if (collection && column)
      data[column] = { code: "validation_not_unique", message: "Value must be unique." };
    else if (part.trim().startsWith("index")) {
      for (const name of indexColumns(part, collections)) {
        data[name] = { code: "validation_not_unique", message: "Value must be unique." };
      }
    }
  }
  return badRequest("Failed to validate the submitted data.", data, err);
}

/** Column names of a failed expression index (`index 'idx_x'`), found in the collections' index statements. */
function indexColumns(part: string, collections: readonly Collection[]): string[] {
  const name = /index '([^']+)'/.exec(part)?.[1];
  if (!name) return [];
  for (const collection of collections) {
    const sql = collection.indexes.find(
      (s) => s.includes(`\`${name}\``) || s.includes(`"${name}"`) || s.includes(` ${name} `),
    );
    if (!sql) continue;
    const on = sql.slice(sql.indexOf(" ON "));
    const where = on.toUpperCase().indexOf(" WHERE ");
    const columns = on.slice(on.indexOf("("), where === -1 ? undefined : where);
    return collection.fields.map((f) => f.name).filter((f) => new RegExp(`\\b${f}\\b`).test(columns));
  }
  return [];
}
