/** Updating records: the updateRule is part of the UPDATE's WHERE; If-Match versions; modifiers; password changes. */
import type { Collection } from "../collections/collection";
import { quoteIdent } from "../db/sql";
import { badRequest, conflict, notFound, preconditionFailed } from "../lib/errors";
import { MAX_BOUND_PARAMS } from "../rules/limits";
import { checkEmailUnique, deferRelationCheck } from "./checks";
import { setExpression } from "./column-sql";
import { ruleTerm, scopeFor, termSql } from "./compile";
import { readOnly, setPassword, type WrittenRecord } from "./create";
import { type CollectionRef, findCollection, type RecordDeps } from "./deps";
import { bindUploads, stageUploads } from "./file-uploads";
import { checkOutboxValues } from "./outbox";
import { type BatchState, batchKey, GUARD, readBack, runPlan, type WritePlan } from "./plan";
import type { ViewParams } from "./query-params";
import { decodeRow, etagOf, ifMatchSatisfied } from "./record-json";
import { renderRecords } from "./render";
import { withReplan } from "./replan";
import { readAccessible } from "./view";
import { beforeWrite, writeRule } from "./write-hooks";
import {
  addServerColumns,
  assertValid,
  checkReadonly,
  checkRowSize,
  collectWrites,
  resolveWrites,
  type WriteValues,
  withRequestBody,
} from "./write-values";

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

/** The stored row once an update applies (what a later request of the same batch will find). */
function afterUpdate(current: Record<string, unknown>, values: WriteValues): Record<string, unknown> {
  const row = { ...current };
  for (const [name, column] of values.columns) {
    row[name] = "value" in column ? column.value : values.resolved.get(name);
  }
  return row;
}

/** True when a rule reads the request body (its result then depends on values computed from the stored row). */
function readsBody(rule: string | null): boolean {
  return rule?.includes("@request.body") === true;
}

/** The stored row by id, no rule applied (modifiers resolve against it before the rule sees `@request.body`). */
async function readRow(deps: RecordDeps, ref: CollectionRef, id: string) {
  const row = await deps.db
    .prepare(`SELECT * FROM ${quoteIdent(ref.collection.name)} WHERE id = ?`)
    .bind(id)
    .first<Record<string, unknown>>();
  if (!row) throw notFound();
  return row;
}

/** A non-superuser's auth checks: the email changes only through its flow; a new password needs the old one. */
async function checkAuthChange(
  deps: RecordDeps,
  body: Record<string, unknown>,
  values: WriteValues,
  current: Record<string, unknown>,
) {
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
        oldPassword: { code: "validation_invalid_old_password", message: "Missing or invalid old password." },
      });
    }
  }
}

/**
 * Plans an update of record `id`. `@request.body` holds what the write resolves to (modifiers applied). Plain
 * values, increments and single list modifiers need no version of the row: the rule is part of the UPDATE and
 * the modifiers are atomic SQL, so concurrent writes all apply (last writer wins). The row's version is
 * checked only when the write depends on it: If-Match (412 when stale), values computed from the stored row,
 * a rule reading a body computed from it, or a password change checked against the old password (409 when
 * stale, which {@link updateRecord} re-plans).
 */
export async function planUpdate(
  input: RecordDeps,
  ref: CollectionRef,
  id: string,
  rawBody: Record<string, unknown>,
  params: ViewParams,
  options: WriteOptions = {},
  state?: BatchState,
): Promise<WritePlan> {
  const { collection } = ref;
  if (collection.type === "view") readOnly(collection);
  // A record written earlier in the same batch is not in the database yet: its rule is checked by the UPDATE.
  const pending = state?.rows.get(batchKey(collection.id, id));
  const hooked = await beforeWrite(
    input,
    "update",
    collection,
    rawBody,
    async () => pending ?? (await readAccessible(input, ref, id, collection.updateRule)),
  );
  const updateRule = writeRule(collection.updateRule, hooked);
  const manager = await canManage(input, ref, id);
  const staged = await stageUploads(input.files, collection, hooked.body);
  const body = staged.body;
  const request = collectWrites(input, collection, body, false, manager);
  const seed = pending ?? (request.modifiers ? await readRow(input, ref, id) : undefined);
  const values = resolveWrites(collection, body, request, seed, false);
  const deps = withRequestBody(input, values.body);
  const current = pending ?? (await readTarget(deps, ref, id, updateRule, options));
  const uploads = bindUploads(collection, id, values, current, staged);
  checkReadonly(collection, request, current, values.errors);
  if (!seed) checkRowSize(values.resolved, current, values.errors);
  assertValid(values);
  checkOutboxValues(input.outbox, collection, values.resolved);
  const guarded = collection.type === "auth" && !deps.ctx.isSuperuser && !manager;
  if (guarded) await checkAuthChange(deps, body, values, current);
  await setPassword(deps, values.columns, values.password);
  addServerColumns(collection, values.columns, false, values.password !== undefined);
  // As on create, the relation read runs only after a guard fired: one D1 round trip less per update.
  const relations = deferRelationCheck(deps, ref.snapshot, collection, values.columns, state);
  const relationGuards = relations.guards;
  await checkEmailUnique(deps, collection, values.columns, id);

  const scope = scopeFor(ref.snapshot, collection, deps.ctx);
  const a = scope.alias;
  const sets: string[] = [];
  const bind: unknown[] = [];
  for (const [name, column] of values.columns) {
    const field = collection.fields.find((f) => f.name === name);
    if (!field) continue;
    const expr = setExpression(field, column, a);
    sets.push(`${quoteIdent(name)} = ${expr.sql}`);
    bind.push(...expr.params);
  }
  const where = [`${a}.id = ?`];
  bind.push(id);
  const locked = options.ifMatch
    ? current
    : values.fromCurrent || (request.modifiers && readsBody(updateRule))
      ? (seed ?? current)
      : undefined;
  const lock = versionLock(
    collection,
    values,
    locked,
    guarded && values.password !== undefined ? current : undefined,
  );
  const rule = ruleTerm(updateRule, scope, Math.max(1, MAX_BOUND_PARAMS - bind.length - lock.params.length));
  if (rule) {
    const term = termSql(rule, scope);
    where.push(term.sql);
    bind.push(...term.params);
  }
  where.push(...lock.terms.map((t) => `${a}.${t}`));
  bind.push(...lock.params);
  if (bind.length > MAX_BOUND_PARAMS) throw badRequest("The update has too many values for one statement.");
  const table = quoteIdent(collection.name);
  const sql =
    sets.length > 0 ? `UPDATE ${table} AS ${a} SET ${sets.join(", ")} WHERE ${where.join(" AND ")}` : null;
  state?.rows.set(batchKey(collection.id, id), afterUpdate(current, values));
  const statements: WritePlan["statements"] = [];
  if (sql) statements.push(...relationGuards, deps.db.prepare(sql).bind(...bind), GUARD);
  const readIndex = statements.length;
  statements.push(deps.db.prepare(`SELECT * FROM ${table} WHERE id = ?`).bind(id));
  return {
    collection,
    schemaVersion: ref.snapshot.version,
    statements,
    change: { action: "update", collection, id: id, snapshot: ref.snapshot },
    uploads,
    verify: relations.verify,
    rejected: () => notFound(),
    // The row changed between the read and the write: still visible means a concurrent update, not the rule.
    explain: async () => {
      if (!(await readAccessible(deps, ref, id, updateRule))) return notFound();
      return options.ifMatch
        ? preconditionFailed()
        : conflict("The record was modified by another request; try again.");
    },
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

/**
 * WHERE terms (column names, quoted, without alias) that hold only while the row is still `row`'s version: its
 * onUpdate autodates and the columns this write sets (a same-millisecond write still changes one of them).
 * `password` pins the stored hash an old password was checked against.
 */
function versionLock(
  collection: Collection,
  values: WriteValues,
  row: Record<string, unknown> | undefined,
  password: Record<string, unknown> | undefined,
): { terms: string[]; params: unknown[] } {
  const terms: string[] = [];
  const params: unknown[] = [];
  const pin = (name: string, value: unknown) => {
    terms.push(`${quoteIdent(name)} IS ?`);
    params.push(value ?? null);
  };
  if (row) {
    for (const field of collection.fields) {
      const server = field.type === "autodate" || field.name === "tokenKey" || field.name === "password";
      if ((field.type === "autodate" && field.onUpdate) || (!server && values.columns.has(field.name)))
        pin(field.name, row[field.name]);
    }
  }
  if (password) pin("password", password.password);
  return { terms, params };
}

/** PATCH …/records/{id}: re-planned on a concurrent change (rules re-checked) unless If-Match was sent. */
export async function updateRecord(
  deps: RecordDeps,
  collectionName: string,
  id: string,
  body: Record<string, unknown>,
  params: ViewParams,
  options: WriteOptions = {},
): Promise<WrittenRecord> {
  return withReplan(
    deps,
    async () => {
      const ref = await findCollection(deps, collectionName);
      const outcome = await runPlan(deps, await planUpdate(deps, ref, id, body, params, options));
      return { record: outcome.body, etag: outcome.etag ?? "" };
    },
    { retryConflicts: !options.ifMatch },
  );
}
