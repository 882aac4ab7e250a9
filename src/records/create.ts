/** Creating records: validated values, the createRule checked against the would-be row in the INSERT itself. */
import type { Collection } from "../collections/collection";
import { encodeValue, zeroValueOf } from "../collections/fields";
import { quoteIdent, quoteString } from "../db/sql";
import { badRequest, internalError } from "../lib/errors";
import { MAX_BOUND_PARAMS } from "../rules/limits";
import { checkEmailUnique, deferRelationCheck } from "./checks";
import { ruleTerm, scopeFor } from "./compile";
import { type CollectionRef, findCollection, type RecordDeps } from "./deps";
import { bindUploads, stageUploads } from "./file-uploads";
import { checkOutboxValues } from "./outbox";
import { type BatchState, batchKey, GUARD, readBack, runPlan, type WritePlan } from "./plan";
import type { ViewParams } from "./query-params";
import { decodeRow, etagOf } from "./record-json";
import { renderRecords } from "./render";
import { withReplan } from "./replan";
import { beforeWrite, writeRule } from "./write-hooks";
import {
  addServerColumns,
  assertValid,
  type ColumnValue,
  prepareValues,
  withRequestBody,
} from "./write-values";

/** A created or updated record as returned to the client. */
export interface WrittenRecord {
  record: unknown;
  etag: string;
}

/** A 400 for writes to view collections. */
export function readOnly(collection: Collection): never {
  throw badRequest(`The "${collection.name}" view collection is read-only.`);
}

/** Hashes a submitted password into the column set (auth collections). */
export async function setPassword(
  deps: RecordDeps,
  columns: Map<string, ColumnValue>,
  password: string | undefined,
) {
  if (password === undefined) return;
  if (!deps.hashPassword) throw internalError(new Error("records: no password hasher configured"));
  columns.set("password", { value: await deps.hashPassword(password) });
}

function recordIdOf(columns: Map<string, ColumnValue>): string {
  return String((columns.get("id") as { value: string }).value);
}

function literal(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "number") return String(value);
  return quoteString(String(value));
}

/**
 * Plans a create. The INSERT selects from a one-row subquery holding the would-be record, filtered by the
 * createRule: check and insert are one statement, and the guard after it turns "no row" into a 400.
 */
export async function planCreate(
  input: RecordDeps,
  ref: CollectionRef,
  body: Record<string, unknown>,
  params: ViewParams,
  state?: BatchState,
): Promise<WritePlan> {
  const { collection } = ref;
  if (collection.type === "view") readOnly(collection);
  const hooked = await beforeWrite(input, "create", collection, body);
  const staged = await stageUploads(input.files, collection, hooked.body);
  const values = prepareValues(input, collection, staged.body);
  checkOutboxValues(input.outbox, collection, values.resolved);
  const uploads = bindUploads(collection, recordIdOf(values.columns), values, undefined, staged);
  assertValid(values);
  const deps = withRequestBody(input, values.body);
  const scope = scopeFor(ref.snapshot, collection, deps.ctx);
  const rule = ruleTerm(writeRule(collection.createRule, hooked), scope);
  await setPassword(deps, values.columns, values.password);
  addServerColumns(collection, values.columns, true, false);
  const id = recordIdOf(values.columns);
  // The relation read happens only if a guard fires: one D1 round trip less per create.
  const relations = deferRelationCheck(deps, ref.snapshot, collection, values.columns, state);
  const relationGuards = relations.guards;
  await checkEmailUnique(deps, collection, values.columns, id);

  const rowParams: unknown[] = [];
  const pending: Record<string, unknown> = {};
  const rowColumns = collection.fields.map((field) => {
    const column = values.columns.get(field.name);
    const name = quoteIdent(field.name);
    pending[field.name] = column && "value" in column ? column.value : encodeValue(field, zeroValueOf(field));
    if (column && "value" in column) {
      rowParams.push(column.value);
      return `? AS ${name}`;
    }
    // Unset fields hold their zero value: our own constants, inlined to keep within the parameter cap.
    return `${literal(encodeValue(field, zeroValueOf(field)))} AS ${name}`;
  });
  const names = collection.fields.map((f) => quoteIdent(f.name));
  const a = scope.alias;
  const joins = rule?.joins ?? [];
  const whereSql = rule ? ` WHERE ${rule.sql}` : "";
  const sql =
    `INSERT INTO ${quoteIdent(collection.name)} (${names.join(", ")}) ` +
    `SELECT ${names.map((n) => `${a}.${n}`).join(", ")} FROM (SELECT ${rowColumns.join(", ")}) AS ${a} ` +
    `${joins.map((j) => j.sql).join(" ")}${whereSql} LIMIT 1 RETURNING *`;
  const bind = [...rowParams, ...joins.flatMap((j) => j.params), ...(rule?.params ?? [])];
  if (bind.length > MAX_BOUND_PARAMS) throw badRequest("The record has too many values for one statement.");
  state?.created.add(batchKey(collection.id, id));
  state?.rows.set(batchKey(collection.id, id), pending);
  return {
    collection,
    schemaVersion: ref.snapshot.version,
    statements: [
      ...relationGuards,
      // The INSERT returns the row it wrote: no read-back statement in the batch.
      deps.db.prepare(sql).bind(...bind),
      GUARD,
    ],
    change: { action: "create", collection, id: id, snapshot: ref.snapshot },
    uploads,
    verify: relations.verify,
    rejected: () => badRequest("Failed to create record."),
    async finish(results) {
      const row = readBack(results, relationGuards.length);
      const [record] = await renderRecords(deps, ref, [row], params);
      return {
        status: 200,
        body: record,
        etag: await etagOf(collection, row, deps.ctx),
        events: [{ action: "create", collection, record: decodeRow(collection, row) }],
      };
    },
  };
}

/** POST …/records. */
export async function createRecord(
  deps: RecordDeps,
  collectionName: string,
  body: Record<string, unknown>,
  params: ViewParams,
): Promise<WrittenRecord> {
  return withReplan(
    deps,
    async () => {
      const ref = await findCollection(deps, collectionName);
      const outcome = await runPlan(deps, await planCreate(deps, ref, body, params));
      return { record: outcome.body, etag: outcome.etag ?? "" };
    },
    { retryConflicts: false },
  );
}
