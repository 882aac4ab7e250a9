/** Deleting records: the deleteRule is part of the DELETE's WHERE; cascades run in the same batch. */
import { SUPERUSERS } from "../collections/names";
import { quoteIdent } from "../db/sql";
import { badRequest, notFound } from "../lib/errors";
import { MAX_BOUND_PARAMS } from "../rules/limits";
import { planCascade } from "./cascade";
import { ruleTerm, scopeFor, termSql } from "./compile";
import { readOnly } from "./create";
import { type CollectionRef, findCollection, type RecordDeps } from "./deps";
import { externalAuthDeleteStatements } from "./external-auths";
import { type BatchState, batchKey, GUARD, runPlan, type WritePlan } from "./plan";
import { decodeRow } from "./record-json";
import { withReplan } from "./replan";
import { readTarget, type WriteOptions } from "./update";
import { readAccessible } from "./view";
import { beforeWrite, writeRule } from "./write-hooks";

/** Plans the delete of record `id` and its cascade. */
export async function planDelete(
  deps: RecordDeps,
  ref: CollectionRef,
  id: string,
  options: WriteOptions = {},
  state?: BatchState,
): Promise<WritePlan> {
  const { collection } = ref;
  if (collection.type === "view") readOnly(collection);
  const key = batchKey(collection.id, id);
  const hooked = await beforeWrite(
    deps,
    "delete",
    collection,
    {},
    async () => state?.rows.get(key) ?? (await readAccessible(deps, ref, id, collection.deleteRule)),
  );
  const deleteRule = writeRule(collection.deleteRule, hooked);
  const current = state?.rows.get(key) ?? (await readTarget(deps, ref, id, deleteRule, options));
  state?.rows.delete(key);
  state?.created.delete(key);
  const cascade = await planCascade(deps, ref.snapshot, { collection, row: current });
  const scope = scopeFor(ref.snapshot, collection, deps.ctx);
  const a = scope.alias;
  const rule = ruleTerm(deleteRule, scope, MAX_BOUND_PARAMS - 1);
  const term = rule ? termSql(rule, scope) : null;
  // PocketBase's rule: the only superuser cannot be deleted. The count is part of the WHERE, so two deletes
  // racing (or one batch deleting several) can never remove the last one.
  const lastGuard = collection.name === SUPERUSERS;
  if (lastGuard && (await countSuperusers(deps.db)) <= 1) throw onlySuperuser();
  const sql = `DELETE FROM ${quoteIdent(collection.name)} AS ${a} WHERE ${a}.id = ?${term ? ` AND ${term.sql}` : ""}${
    lastGuard ? ` AND (SELECT count(*) FROM ${quoteIdent(SUPERUSERS)}) > 1` : ""
  }`;
  return {
    collection,
    schemaVersion: ref.snapshot.version,
    touches: cascade.touches,
    statements: [
      deps.db.prepare(sql).bind(id, ...(term?.params ?? [])),
      GUARD,
      ...cascade.statements,
      ...cascade.guards,
      ...externalAuthDeleteStatements(deps.db, ref.snapshot, collection, current),
    ],
    change: { action: "delete", collection, id: id, snapshot: ref.snapshot },
    rejected: () => (lastGuard ? onlySuperuser() : notFound()),
    async finish() {
      return {
        status: 204,
        body: null,
        events: [{ action: "delete", collection, record: decodeRow(collection, current) }, ...cascade.events],
      };
    },
  };
}

function onlySuperuser() {
  return badRequest("You can't delete the only existing superuser");
}

async function countSuperusers(db: RecordDeps["db"]): Promise<number> {
  const row = await db.prepare(`SELECT count(*) AS n FROM ${quoteIdent(SUPERUSERS)}`).first<{ n: number }>();
  return Number(row?.n ?? 0);
}

/** DELETE …/records/{id}: re-planned when a reference to a deleted record appeared during the delete. */
export async function deleteRecord(
  deps: RecordDeps,
  collectionName: string,
  id: string,
  options: WriteOptions = {},
): Promise<void> {
  await withReplan(
    deps,
    async () => {
      const ref: CollectionRef = await findCollection(deps, collectionName);
      await runPlan(deps, await planDelete(deps, ref, id, options));
    },
    { retryConflicts: true },
  );
}
