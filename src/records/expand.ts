/** Relation expansion: one D1 round trip per level, `IN (…)` chunked under the parameter cap, viewRules applied. */
import type { Collection } from "../collections/collection";
import { decodeValue, isMultiValued, type RelationField } from "../collections/fields";
import { findBackRelation } from "../collections/relations";
import { quoteIdent } from "../db/sql";
import { badRequest } from "../lib/errors";
import { MAX_BOUND_PARAMS } from "../rules/limits";
import { ruleTerm, scopeFor, termSql } from "./compile";
import type { CollectionRef, RecordDeps } from "./deps";
import { type RecordJson, toRecordJson } from "./record-json";

/** A record being returned: its stored row (for relation values) and its JSON (which receives `expand`). */
export interface ExpandItem {
  row: Record<string, unknown>;
  json: RecordJson;
}

/** At most this many related records are loaded per back-relation expand statement. */
export const MAX_BACK_RELATION_ROWS = 1000;

type Tree = Map<string, Tree>;

interface Task {
  collection: Collection;
  items: ExpandItem[];
  tree: Tree;
}

interface Plan {
  task: Task;
  name: string;
  target: Collection;
  /** Which field of the target rows links back to the parent (back-relations), else null. */
  back: RelationField | null;
  field: RelationField | null;
  statements: number[];
}

function toTree(paths: readonly string[][]): Tree {
  const root: Tree = new Map();
  for (const path of paths) {
    let node = root;
    for (const segment of path) {
      let child = node.get(segment);
      if (!child) {
        child = new Map();
        node.set(segment, child);
      }
      node = child;
    }
  }
  return root;
}

function invalidExpand(name: string): never {
  throw badRequest('Invalid "expand" query parameter.', {
    expand: { code: "validation_invalid_expand", message: `"${name}" is not a relation field.` },
  });
}

/** Expands `paths` on `items` (records of `ref.collection`), setting each JSON's `expand`. */
export async function expandRecords(
  deps: RecordDeps,
  ref: CollectionRef,
  items: ExpandItem[],
  paths: readonly string[][],
): Promise<void> {
  let tasks: Task[] = [{ collection: ref.collection, items, tree: toTree(paths) }];
  while (tasks.length > 0) {
    const statements: D1PreparedStatement[] = [];
    const plans: Plan[] = [];
    for (const task of tasks) {
      for (const name of task.tree.keys()) {
        const plan = planRelation(deps, ref, task, name, statements);
        if (plan) plans.push(plan);
      }
    }
    const results = statements.length > 0 ? await deps.db.batch<Record<string, unknown>>(statements) : [];
    const next: Task[] = [];
    for (const plan of plans) {
      const rows = plan.statements.flatMap((i) => results[i]?.results ?? []);
      const children = attach(deps, plan, rows);
      const subtree = plan.task.tree.get(plan.name) as Tree;
      if (subtree.size > 0 && children.length > 0)
        next.push({ collection: plan.target, items: children, tree: subtree });
    }
    tasks = next;
  }
}

function planRelation(
  deps: RecordDeps,
  ref: CollectionRef,
  task: Task,
  name: string,
  statements: D1PreparedStatement[],
): Plan | null {
  const field = task.collection.fields.find((f) => f.name === name);
  let target: Collection | undefined;
  let back: RelationField | null = null;
  let keys: string[];
  if (field) {
    if (field.type !== "relation") invalidExpand(name);
    if (field.hidden && !deps.ctx.isSuperuser) invalidExpand(name);
    target = ref.snapshot.find(field.collectionId);
    keys = task.items.flatMap((item) => asIds(decodeValue(field, item.row[name])));
  } else {
    const found = findBackRelation(name, task.collection, ref.snapshot);
    // The filter resolver's checks: a hidden relation field is unknown to non-superusers, in both directions.
    if (!found || (found.field.hidden && !deps.ctx.isSuperuser)) invalidExpand(name);
    target = found.source;
    back = found.field;
    keys = task.items.map((item) => String(item.row.id));
  }
  if (!target) return null;
  // A locked viewRule hides the whole relation from non-superusers (left out, not an error).
  if (target.viewRule === null && !deps.ctx.isSuperuser) return null;
  const unique = [...new Set(keys.filter((k) => k !== ""))];
  if (unique.length === 0) return null;
  const scope = scopeFor(ref.snapshot, target, deps.ctx);
  const rule = ruleTerm(target.viewRule, scope);
  const ruleSql = rule ? termSql(rule, scope) : null;
  const chunk = MAX_BOUND_PARAMS - (ruleSql?.params.length ?? 0) - 1;
  if (chunk < 1) throw badRequest("The viewRule of an expanded collection is too complex.");
  const plan: Plan = {
    task,
    name,
    target,
    back,
    field: field?.type === "relation" ? field : null,
    statements: [],
  };
  const table = `${quoteIdent(target.name)} ${scope.alias}`;
  for (let i = 0; i < unique.length; i += chunk) {
    const ids = unique.slice(i, i + chunk);
    const marks = ids.map(() => "?").join(", ");
    let where: string;
    if (!back) where = `${scope.alias}.id IN (${marks})`;
    else if (isMultiValued(back)) {
      where = `EXISTS (SELECT 1 FROM json_each(${scope.alias}.${quoteIdent(back.name)}) WHERE value IN (${marks}))`;
    } else where = `${scope.alias}.${quoteIdent(back.name)} IN (${marks})`;
    if (ruleSql) where += ` AND ${ruleSql.sql}`;
    const order = back
      ? ` ORDER BY ${target.type === "view" ? `${scope.alias}.id` : `${scope.alias}.rowid`}`
      : "";
    const limit = back ? ` LIMIT ${MAX_BACK_RELATION_ROWS}` : "";
    const sql = `SELECT ${scope.alias}.* FROM ${table} WHERE ${where}${order}${limit}`;
    plan.statements.push(statements.length);
    statements.push(deps.db.prepare(sql).bind(...ids, ...(ruleSql?.params ?? [])));
  }
  return plan;
}

function asIds(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  return typeof value === "string" && value !== "" ? [value] : [];
}

/** Puts the loaded records into their parents' `expand`; returns the loaded records for the next level. */
function attach(deps: RecordDeps, plan: Plan, rows: Record<string, unknown>[]): ExpandItem[] {
  const byId = new Map<string, ExpandItem>();
  for (const row of rows) {
    const id = String(row.id);
    if (!byId.has(id)) byId.set(id, { row, json: toRecordJson(plan.target, row, deps.ctx) });
  }
  for (const item of plan.task.items) {
    let value: RecordJson | RecordJson[] | undefined;
    if (plan.back) {
      const back = plan.back;
      const parent = String(item.row.id);
      value = [...byId.values()]
        .filter((child) => asIds(decodeValue(back, child.row[back.name])).includes(parent))
        .map((child) => child.json);
      if (value.length === 0) value = undefined;
    } else if (plan.field) {
      const ids = asIds(decodeValue(plan.field, item.row[plan.name]));
      const found = ids.map((id) => byId.get(id)?.json).filter((j): j is RecordJson => j !== undefined);
      value = isMultiValued(plan.field) ? (found.length > 0 ? found : undefined) : found[0];
    }
    if (value === undefined) continue;
    const expand = (item.json.expand ?? {}) as Record<string, unknown>;
    expand[plan.name] = value;
    item.json.expand = expand;
  }
  return [...byId.values()];
}
