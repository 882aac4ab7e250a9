/** Updating records: the updateRule is part of the UPDATE's WHERE; If-Match versions; modifiers; password changes. */
import { quoteIdent } from "../db/sql";
import { badRequest, conflict, notFound, preconditionFailed } from "../lib/errors";
import { MAX_BOUND_PARAMS } from "../rules/limits";
import { checkEmailUnique, checkRelations } from "./checks";
import { ruleTerm, scopeFor, termSql } from "./compile";
import { readOnly, setPassword, type WrittenRecord } from "./create";
import { type CollectionRef, findCollection, type RecordDeps } from "./deps";
import { type BatchState, batchKey, GUARD, readBack, runPlan, type WritePlan } from "./plan";
import type { ViewParams } from "./query-params";
import { decodeRow, etagOf, ifMatchSatisfied } from "./record-json";
import { renderRecords } from "./render";
import { readAccessible } from "./view";
import { addServerColumns, type ColumnValue, prepareValues, withTypedBody } from "./write-values";

/** Options of an update or delete. */
export interface WriteOptions {
  /** The If-Match header, when sent. */
  ifMatch?: string | null;
}

/** Reads the record a write targets under its rule, honouring If-Match (404 / 412). */
export async function readTarget(
  deps: RecordDeps,
  ref: CollectionRef,
  id: string,
  rule: string | null,
  options: WriteOptions,
): Promise<Record<string, unknown>> {
  const current = await readAccessible(deps, ref, id, rule);
  if (!current) throw notFound();
  if (options.ifMatch && !ifMatchSatisfied(options.ifMatch, await etagOf(ref.collection, current, deps.ctx)))
    throw preconditionFailed();
  return current;
}

/**
 * True when a non-superuser may manage auth record `id` through its collection's manageRule: change its email
 * and password without the old one, and its `verified` flag (PocketBase's manageRule).
 */
export async function canManage(deps: RecordDeps, ref: CollectionRef, id: string): Promise<boolean> {
  const { collection } = ref;
  if (collection.type !== "auth" || deps.ctx.isSuperuser || collection.manageRule === null) return false;
  return (await readAccessible(deps, ref, id, collection.manageRule)) !== undefined;
}

/** The stored row after an update's columns apply (what a later request of the same batch will find). */
function afterUpdate(
  current: Record<string, unknown>,
  columns: Map<string, ColumnValue>,
): Record<string, unknown> {
  const row = { ...current };
  for (const [name, column] of columns) {
    row[name] = "value" in column ? column.value : Number(row[name] ?? 0) + column.increment;
  }
  return row;
}

/** Plans an update of record `id`. */
export async function planUpdate(
  input: RecordDeps,
  ref: CollectionRef,
  id: string,
  body: Record<string, unknown>,
  params: ViewParams,
  options: WriteOptions = {},
  state?: BatchState,
): Promise<WritePlan> {
  const { collection } = ref;
  if (collection.type === "view") readOnly(collection);
  const deps = withTypedBody(input, collection, body);
  // A record written earlier in the same batch is not in the database yet: its rule is checked by the UPDATE.
  const current =
    state?.rows.get(batchKey(collection.id, id)) ??
    (await readTarget(deps, ref, id, collection.updateRule, options));
  const manager = await canManage(deps, ref, id);
  const values = prepareValues(deps, collection, body, current, manager);
  if (collection.type === "auth" && !deps.ctx.isSuperuser && !manager) {
    const email = values.columns.get("email");
    if (email && "value" in email && email.value !== current.email) {
      throw badRequest("Failed to validate the submitted data.", {
        email: { code: "validation_readonly", message: "Use the email change flow to change the email." },
      });
    }
    if (values.password !== undefined && deps.verifyPassword) {
      const old = typeof body.oldPassword === "string" ? body.oldPassword : "";
      if (!(await deps.verifyPassword(old, String(current.password ?? "")))) {
        throw badRequest("Failed to validate the submitted data.", {
          oldPassword: {
            code: "validation_invalid_old_password",
            message: "Missing or invalid old password.",
          },
        });
      }
    }
  }
  await setPassword(deps, values.columns, values.password);
  addServerColumns(collection, values.columns, false, values.password !== undefined);
  await checkRelations(deps, ref.snapshot, collection, values.columns, state);
  await checkEmailUnique(deps, collection, values.columns, id);

  const scope = scopeFor(ref.snapshot, collection, deps.ctx);
  const a = scope.alias;
  const sets: string[] = [];
  const bind: unknown[] = [];
  for (const [name, column] of values.columns) {
    if ("value" in column) {
      sets.push(`${quoteIdent(name)} = ?`);
      bind.push(column.value);
    } else {
      sets.push(`${quoteIdent(name)} = ${quoteIdent(name)} + ?`);
      bind.push(column.increment);
    }
  }
  const where = [`${a}.id = ?`];
  bind.push(id);
  const versions = collection.fields.filter((f) => f.type === "autodate" && f.onUpdate).length;
  const rule = ruleTerm(collection.updateRule, scope, Math.max(1, MAX_BOUND_PARAMS - bind.length - versions));
  if (rule) {
    const term = termSql(rule, scope);
    where.push(term.sql);
    bind.push(...term.params);
  }
  // Optimistic lock: the row must still be the version the values were computed from.
  for (const field of collection.fields) {
    if (field.type === "autodate" && field.onUpdate) {
      where.push(`${a}.${quoteIdent(field.name)} IS ?`);
      bind.push(current[field.name] ?? null);
    }
  }
  if (bind.length > MAX_BOUND_PARAMS) throw badRequest("The update has too many values for one statement.");
  const table = quoteIdent(collection.name);
  const sql =
    sets.length > 0 ? `UPDATE ${table} AS ${a} SET ${sets.join(", ")} WHERE ${where.join(" AND ")}` : null;
  state?.rows.set(batchKey(collection.id, id), afterUpdate(current, values.columns));
  const statements: WritePlan["statements"] = [];
  if (sql) statements.push(deps.db.prepare(sql).bind(...bind), GUARD);
  const readIndex = statements.length;
  statements.push(deps.db.prepare(`SELECT * FROM ${table} WHERE id = ?`).bind(id));
  return {
    collection,
    statements,
    rejected: () => notFound(),
    // The row changed between the read and the write: still visible means a concurrent update, not the rule.
    explain: async () =>
      (await readAccessible(deps, ref, id, collection.updateRule))
        ? conflict("The record was modified by another request; try again.")
        : notFound(),
    async finish(results) {
      const row = readBack(results, readIndex);
      const [record] = await renderRecords(deps, ref, [row], params);
      return {
        status: 200,
        body: record,
        etag: await etagOf(collection, row, deps.ctx),
        events: [
          {
            action: "update",
            collection,
            record: decodeRow(collection, row),
            oldRecord: decodeRow(collection, current),
            passwordChanged: values.password !== undefined,
          },
        ],
      };
    },
  };
}

/** PATCH …/records/{id}. */
export async function updateRecord(
  deps: RecordDeps,
  collectionName: string,
  id: string,
  body: Record<string, unknown>,
  params: ViewParams,
  options: WriteOptions = {},
): Promise<WrittenRecord> {
  const ref = await findCollection(deps, collectionName);
  const outcome = await runPlan(deps, await planUpdate(deps, ref, id, body, params, options));
  return { record: outcome.body, etag: outcome.etag ?? "" };
}
