/** Reading files: which record and field a requested file belongs to, and whether the caller may see it. */
import type { Collection } from "../collections/collection";
import { decodeValue, type FileField } from "../collections/fields";
import { quoteIdent } from "../db/sql";
import { ApiError, notFound } from "../lib/errors";
import type { RuleContext } from "../rules/context";
import { MAX_BOUND_PARAMS } from "../rules/limits";
import { isSafeFileName } from "../storage/file-names";
import { ruleTerm, scopeFor, termSql } from "./compile";
import { type CollectionRef, findCollection, type RecordDeps } from "./deps";
import { readAccessible } from "./view";

/** A file as stored on a record. */
export interface FileTarget {
  ref: CollectionRef;
  field: FileField;
  recordId: string;
  filename: string;
}

/** Whose rule context decides a file: a protected field's caller, and the caller of any other field. */
export interface FileCallers {
  protectedCtx: RuleContext;
  otherCtx: RuleContext;
}

/** The viewRule's verdict for one caller, as known before the row is read. */
type Verdict =
  | { kind: "known"; allowed: boolean }
  | { kind: "column"; sql: string; params: unknown[]; index: number }
  | { kind: "reread"; ctx: RuleContext }
  | { kind: "error"; error: unknown };

const ALIAS = '"__m"';

/** The file fields of a collection. */
export function fileFields(collection: Collection): FileField[] {
  return collection.fields.filter((f): f is FileField => f.type === "file");
}

/**
 * Finds the record field holding `filename`; 404 for a missing collection or record and for a name the record
 * does not hold (no rule applied: see {@link findViewableFile}).
 */
export async function findFileTarget(
  deps: Pick<RecordDeps, "db" | "store">,
  collectionName: string,
  recordId: string,
  filename: string,
): Promise<FileTarget> {
  const { target } = await readFileRow(deps, collectionName, recordId, filename, () => []);
  return target;
}

/**
 * Like {@link findFileTarget}, with whether the field's caller passes the record's viewRule (a superuser-only
 * rule counts as a no), read in the same SELECT: each distinct caller's rule becomes a computed column, since
 * which caller applies depends on the field, known only once the row is read.
 */
export async function findViewableFile(
  deps: RecordDeps,
  collectionName: string,
  recordId: string,
  filename: string,
  callers: FileCallers,
): Promise<{ target: FileTarget; allowed: boolean }> {
  const verdicts = new Map<RuleContext, Verdict>();
  const { target, row } = await readFileRow(deps, collectionName, recordId, filename, (ref) => {
    // One id param, then the verdict columns' params; a rule that does not fit is checked by a second read.
    let budget = MAX_BOUND_PARAMS - 1;
    const columns: Extract<Verdict, { kind: "column" }>[] = [];
    for (const ctx of new Set([callers.protectedCtx, callers.otherCtx])) {
      let verdict = verdictOf(ref, ctx, columns.length);
      if (verdict.kind === "column") {
        if (verdict.params.length > budget) verdict = { kind: "reread", ctx };
        else {
          budget -= verdict.params.length;
          columns.push(verdict);
        }
      }
      verdicts.set(ctx, verdict);
    }
    return columns;
  });
  const ctx = target.field.protected ? callers.protectedCtx : callers.otherCtx;
  const verdict = verdicts.get(ctx);
  if (!verdict) throw new Error("file-access: no verdict for the caller");
  switch (verdict.kind) {
    case "known":
      return { target, allowed: verdict.allowed };
    case "column":
      return { target, allowed: row[verdict.index] === 1 };
    case "reread":
      return {
        target,
        allowed:
          (await readAccessible({ ...deps, ctx }, target.ref, recordId, target.ref.collection.viewRule)) !==
          undefined,
      };
    case "error":
      throw verdict.error;
  }
}

/** The viewRule for `ctx` as a term to compute, or its answer when no SQL is needed. */
function verdictOf(ref: CollectionRef, ctx: RuleContext, index: number): Verdict {
  const rule = ref.collection.viewRule;
  // The row is read anyway: an empty rule lets anyone see it.
  if (rule === "") return { kind: "known", allowed: true };
  try {
    const scope = scopeFor(ref.snapshot, ref.collection, ctx, ALIAS);
    const term = ruleTerm(rule, scope, MAX_BOUND_PARAMS - 1);
    if (!term) return { kind: "known", allowed: true };
    // termSql wraps a rule's joins in an `id IN (SELECT …)` subquery, so any term fits in a CASE.
    return { kind: "column", ...termSql(term, scope), index };
  } catch (err) {
    if (err instanceof ApiError && err.status === 403) return { kind: "known", allowed: false };
    // Thrown only if this caller is the field's: a missing record or file stays a 404 first.
    return { kind: "error", error: err };
  }
}

/**
 * Reads the record's file columns (then the `extra` computed columns, as raw values after them) and finds the
 * field holding `filename`; 404s as {@link findFileTarget}.
 */
async function readFileRow(
  deps: Pick<RecordDeps, "db" | "store">,
  collectionName: string,
  recordId: string,
  filename: string,
  extra: (ref: CollectionRef) => { sql: string; params: unknown[]; index: number }[],
): Promise<{ target: FileTarget; row: unknown[] }> {
  if (!isSafeFileName(filename)) throw notFound();
  const ref = await findCollection(deps, collectionName);
  const fields = fileFields(ref.collection);
  if (fields.length === 0 || ref.collection.type === "view") throw notFound();
  const computed = extra(ref);
  const columns = [
    ...fields.map((f) => `${ALIAS}.${quoteIdent(f.name)}`),
    ...computed.map((c) => `CASE WHEN ${c.sql} THEN 1 ELSE 0 END`),
  ];
  // Raw rows: the computed columns are read by position, so no name can clash with a field's.
  const [raw] = await deps.db
    .prepare(
      `SELECT ${columns.join(", ")} FROM ${quoteIdent(ref.collection.name)} ${ALIAS} WHERE ${ALIAS}.id = ? LIMIT 1`,
    )
    .bind(...computed.flatMap((c) => c.params), recordId)
    .raw();
  if (!raw) throw notFound();
  const field = fields.find((f, i) => {
    const value = decodeValue(f, raw[i]);
    return Array.isArray(value) ? value.includes(filename) : value === filename;
  });
  if (!field) throw notFound();
  return { target: { ref, field, recordId, filename }, row: raw.slice(fields.length) };
}
