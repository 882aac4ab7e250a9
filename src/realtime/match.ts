/**
 * Who may receive an event: each candidate's rule (listRule for `coll/*`, viewRule for `coll/ID`) and own filter,
 * evaluated in JS against the record, and in one D1 batch per event for the candidates whose rule needs joins.
 */

import type { Collection } from "../collections/collection";
import { encodeValue } from "../collections/fields";
import { NAME_PATTERN } from "../collections/names";
import type { SchemaSnapshot } from "../collections/store";
import type { D1Like } from "../db/sql";
import { quoteIdent } from "../db/sql";
import { compileText, scopeFor, termSql } from "../records/compile";
import { parseFilter } from "../rules/cache";
import type { RuleContext } from "../rules/context";
import { type EvalResult, evaluateFilter, needsSql } from "../rules/evaluate";
import { MAX_BOUND_PARAMS } from "../rules/limits";
import type { HubEvent } from "./hub-event";
import { filterView } from "./subscription-filter";

/** One subscriber to check: its context, the rule its topic is gated by, and its own filter. */
export interface Candidate {
  ctx: RuleContext;
  rule: string | null;
  filter?: string;
}

/** Where SQL checks run: the database and the schema the rules compile against. */
export interface MatchDeps {
  db: D1Like;
  snapshot: () => Promise<SchemaSnapshot>;
}

type Local = boolean | "sql";

/**
 * The JS work one subscriber's filter may do per event, in character steps (see EvaluateOptions.maxCost): about
 * a few milliseconds. A filter over it for a record (`body ~ title` on two long texts) denies that event to that
 * subscriber, so no client can make a hub spend seconds per write.
 */
export const MAX_FILTER_COST = 2_000_000;

/** Decides every candidate; the result array is parallel to `candidates`. Errors deny, never leak. */
export async function decideAll(
  event: HubEvent,
  candidates: readonly Candidate[],
  deps: MatchDeps,
): Promise<boolean[]> {
  const local = candidates.map((c) => decideLocally(event, c));
  const pending = local.flatMap((v, i) => (v === "sql" ? [i] : []));
  const out = local.map((v) => v === true);
  if (pending.length === 0) return out;
  const sqlResults = await decideBySql(
    event,
    pending.map((i) => candidates[i] as Candidate),
    deps,
  );
  pending.forEach((index, k) => {
    out[index] = sqlResults[k] === true;
  });
  return out;
}

/**
 * A rule decided from `record` alone, for topics without a stored row (rooms, custom topics): superusers pass,
 * `null` admits only them, `""` everyone; a rule that would need the database, or that fails, denies.
 */
export function allowsLocally(
  rule: string | null,
  record: Record<string, unknown>,
  ctx: RuleContext,
): boolean {
  if (ctx.isSuperuser) return true;
  if (rule === null) return false;
  if (rule.trim() === "") return true;
  return evaluate(rule, record, ctx) === true;
}

/** The rule and filter decided from the record alone, or "sql" when either needs the database. */
export function decideLocally(event: HubEvent, candidate: Candidate): Local {
  const rule = ruleResult(event, candidate);
  if (rule === false) return false;
  // The rule reads the whole row (rules may use hidden fields); the subscriber's filter only what it may see.
  const filter = candidate.filter
    ? evaluate(candidate.filter, filterView(event, candidate.ctx), candidate.ctx, MAX_FILTER_COST)
    : true;
  if (filter === false) return false;
  return rule === true && filter === true ? true : "sql";
}

function ruleResult(event: HubEvent, candidate: Candidate): EvalResult {
  if (candidate.ctx.isSuperuser) return true;
  if (candidate.rule === null) return false;
  if (candidate.rule.trim() === "") return true;
  return evaluate(candidate.rule, event.record, candidate.ctx);
}

function evaluate(
  text: string,
  record: Record<string, unknown>,
  ctx: RuleContext,
  maxCost?: number,
): EvalResult {
  try {
    const result = evaluateFilter(parseFilter(text), record, ctx, maxCost === undefined ? {} : { maxCost });
    return needsSql(result) ? result : result === true;
  } catch {
    return false;
  }
}

/**
 * One `db.batch` (one round trip) with an EXISTS per candidate over the committed row. A deleted row is gone, so
 * for deletes a CTE named like the table shadows it with the event's record (one JSON parameter, `?1`): joins to
 * other tables work; a rule reading other rows of the same collection sees only this one. A candidate whose
 * statement cannot be built (or would pass D1's parameter cap) is denied, never the whole batch.
 */
async function decideBySql(
  event: HubEvent,
  candidates: readonly Candidate[],
  deps: MatchDeps,
): Promise<boolean[]> {
  let snapshot: SchemaSnapshot;
  try {
    snapshot = await deps.snapshot();
  } catch {
    return candidates.map(() => false);
  }
  const collection = snapshot.find(event.collection.id);
  if (!collection) return candidates.map(() => false);
  const statements: (D1PreparedStatement | null)[] = candidates.map((candidate) => {
    try {
      const scope = scopeFor(snapshot, collection, candidate.ctx);
      const terms = [];
      if (!candidate.ctx.isSuperuser && candidate.rule?.trim()) {
        terms.push(termSql(compileText(candidate.rule, scope, { client: false }), scope));
      }
      if (candidate.filter)
        terms.push(termSql(compileText(candidate.filter, scope, { client: true }), scope));
      const where = terms.map((t) => ` AND ${t.sql}`).join("");
      const params = [event.record.id, ...terms.flatMap((t) => t.params)];
      const shadow = event.action === "delete" ? deletedRow(collection, event.record) : null;
      if (params.length + (shadow ? 1 : 0) > MAX_BOUND_PARAMS) return null;
      const sql = `${shadow?.sql ?? ""}SELECT EXISTS(SELECT 1 FROM ${quoteIdent(collection.name)} ${scope.alias} WHERE ${scope.alias}.id = ?${where}) AS ok`;
      return deps.db.prepare(sql).bind(...(shadow ? [shadow.json] : []), ...params);
    } catch {
      return null;
    }
  });
  const runnable = statements.filter((s): s is D1PreparedStatement => s !== null);
  if (runnable.length === 0) return candidates.map(() => false);
  let results: D1Result<{ ok: number }>[];
  try {
    results = await deps.db.batch<{ ok: number }>(runnable);
  } catch {
    return candidates.map(() => false);
  }
  let next = 0;
  return statements.map((s) => (s === null ? false : results[next++]?.results[0]?.ok === 1));
}

/**
 * `WITH "table" AS (SELECT json_extract(?1, '$."f"') AS "f", …) ` over the record in stored form. Later anonymous
 * `?` parameters number on from 2, so the compiled terms bind as usual after the JSON.
 */
function deletedRow(collection: Collection, record: Record<string, unknown>): { sql: string; json: string } {
  const stored: Record<string, unknown> = {};
  // Field names are identifiers (NAME_PATTERN is checked when a collection is saved): safe inside the path.
  const fields = collection.fields.filter((f) => NAME_PATTERN.test(f.name));
  const columns = fields.map((field) => {
    if (field.name in record) stored[field.name] = encodeValue(field, record[field.name]);
    return `json_extract(?1, '$."${field.name}"') AS ${quoteIdent(field.name)}`;
  });
  return {
    sql: `WITH ${quoteIdent(collection.name)} AS (SELECT ${columns.join(", ")}) `,
    json: JSON.stringify(stored),
  };
}
