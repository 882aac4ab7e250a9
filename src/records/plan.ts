/** Write plans: the statements of one write, run alone or with others in ONE D1 batch (all or nothing). */
import type { Collection } from "../collections/collection";
import { ApiError, badRequest, conflict } from "../lib/errors";
import { emitChanges, type RecordDeps } from "./deps";
import type { ChangeEvent } from "./events";
import { lastSignInError } from "./external-auths";
import { deleteReplacedFiles, withUploads } from "./file-commit";
import type { PendingUpload } from "./file-uploads";
import {
  checkError,
  guardStatement,
  guardTag,
  isDependantsGuardError,
  isSchemaGuardError,
  schemaGuardStatement,
  uniqueError,
} from "./guard";
import type { PlannedChange } from "./outbox";

/** What running a plan needs: the database, and where committed changes go. */
export type WriteDeps = Pick<RecordDeps, "db" | "changes" | "defer" | "files" | "hooks" | "outbox">;

/** Marks where a plan needs a guard: the batch aborts when the statement before it changed no rows. */
export const GUARD = Symbol("guard");

/** What a write answers once committed. */
export interface WriteOutcome {
  status: number;
  body: unknown;
  etag?: string;
  events: ChangeEvent[];
}

/** One write, ready to run: statements (with guards) and how to turn their results into an outcome. */
export interface WritePlan {
  collection: Collection;
  /** Other collections the statements write (cascades), for naming fields in constraint errors. */
  touches?: readonly Collection[];
  statements: (D1PreparedStatement | typeof GUARD)[];
  /** The schema version of the snapshot the plan was built from; the batch aborts if D1's differs. */
  schemaVersion?: string;
  /** The error the caller gets when this plan's guard fires (its rule did not match). */
  rejected: () => ApiError;
  /** A closer look after the guard fired alone (e.g. a concurrent change rather than the rule): its error. */
  explain?: () => Promise<ApiError>;
  /**
   * Checks deferred to a failed batch (records/checks.ts deferRelationCheck): after a check statement aborted
   * it, throws this plan's full 400 when the failure was this plan's.
   */
  verify?: () => Promise<void>;
  /** The record change this plan makes, for the outbox (records/outbox.ts); absent for internal writes. */
  change?: PlannedChange;
  /** Files this write uploads: put before the batch, removed again when it fails (records/file-commit.ts). */
  uploads?: readonly PendingUpload[];
  /** Builds the outcome from this plan's statement results (guards included, in order). */
  finish(results: D1Result<Record<string, unknown>>[]): Promise<WriteOutcome>;
}

/**
 * State shared by the plans of one batch. Records created earlier in it count as existing relation targets;
 * `rows` holds the row each record will have once the earlier requests ran (created or updated), so a later
 * request can update or delete it. Keys are `collectionId:recordId`.
 */
export interface BatchState {
  created: Set<string>;
  rows: Map<string, Record<string, unknown>>;
}

/** The key of a record in a BatchState. */
export function batchKey(collectionId: string, id: string): string {
  return `${collectionId}:${id}`;
}

/** The batch's schema guard fired: a plan was built from a schema snapshot older than D1's (re-plan it). */
export class StaleSchemaError extends Error {
  override name = "StaleSchemaError";
}

/**
 * A failed run: which plan (when known) and the client error. `guarded` marks a plan's own row guard firing
 * (no row written: the rule refused it, or the row changed since it was read), which the plan's `explain` can
 * tell apart; any other failure (a relation target gone, a unique value taken) already carries its answer.
 */
export class PlanError extends Error {
  override name = "PlanError";
  constructor(
    readonly index: number | undefined,
    readonly error: ApiError,
    readonly guarded = false,
  ) {
    super(error.message, { cause: error });
  }
}

/**
 * Runs plans in one D1 batch; throws PlanError when a guard or a constraint aborted it (nothing committed).
 * Their uploads are put first and removed on failure; files the committed changes no longer name are deleted.
 */
export async function runPlans(deps: WriteDeps, plans: readonly WritePlan[]): Promise<WriteOutcome[]> {
  const uploads = plans.flatMap((p) => p.uploads ?? []);
  const outcomes = await withUploads(deps.files, uploads, () => commitPlans(deps, plans));
  await deleteReplacedFiles(
    deps,
    outcomes.flatMap((o) => o.events),
  );
  return outcomes;
}

async function commitPlans(deps: WriteDeps, plans: readonly WritePlan[]): Promise<WriteOutcome[]> {
  // Guards first, in the same transaction: no statement runs against a schema other than its plan's.
  const versions = new Set(plans.flatMap((p) => (p.schemaVersion === undefined ? [] : [p.schemaVersion])));
  const statements: D1PreparedStatement[] = [...versions].map((v) => schemaGuardStatement(deps.db, v));
  const ranges: [number, number][] = [];
  const outbox = await outboxStatements(deps, plans);
  const outboxAt: number[] = [];
  const pushOutbox = (rows: D1PreparedStatement[] | undefined) => {
    for (const row of rows ?? []) outboxAt.push(statements.push(row) - 1);
  };
  plans.forEach((plan, i) => {
    const rows = outbox.get(plan);
    if (plan.change?.action === "delete") pushOutbox(rows);
    const start = statements.length;
    for (const s of plan.statements) statements.push(s === GUARD ? guardStatement(deps.db, i) : s);
    ranges.push([start, statements.length]);
    if (plan.change?.action !== "delete") pushOutbox(rows);
  });
  let results: D1Result<Record<string, unknown>>[];
  try {
    results = await deps.db.batch<Record<string, unknown>>(statements);
  } catch (err) {
    if (isSchemaGuardError(err))
      throw new StaleSchemaError("The schema changed since the write was planned.");
    if (isDependantsGuardError(err))
      throw new PlanError(
        undefined,
        conflict("A record referring to a deleted one was written meanwhile; try again."),
      );
    const tag = guardTag(err);
    const plan = tag === undefined ? undefined : plans[tag];
    if (plan) throw new PlanError(tag, plan.rejected(), true);
    const check = checkError(err) ?? lastSignInError(err);
    if (check) throw (await verifiedFailure(plans)) ?? new PlanError(undefined, check);
    const unique = uniqueError(
      err,
      plans.flatMap((p) => [p.collection, ...(p.touches ?? [])]),
    );
    if (unique) throw new PlanError(firstPlanOf(err, plans), unique);
    if (
      err instanceof Error &&
      /D1_ERROR|SQLITE/.test(err.message) &&
      /too many|too big|LIKE or GLOB/i.test(err.message)
    ) {
      throw new PlanError(
        undefined,
        badRequest("The request is too large for one database statement.", {}, err),
      );
    }
    throw err;
  }
  const outcomes: WriteOutcome[] = [];
  for (const [i, plan] of plans.entries()) {
    const [start, end] = ranges[i] as [number, number];
    outcomes.push(await plan.finish(results.slice(start, end)));
  }
  emitChanges(
    deps,
    outcomes.flatMap((o) => o.events),
  );
  handOffOutbox(
    deps,
    outboxAt.flatMap((at) => (results[at]?.results ?? []).map((row) => String(row.id))),
  );
  return outcomes;
}

/** The first plan whose deferred checks fail now, as a PlanError carrying their 400 (the plan's index known). */
async function verifiedFailure(plans: readonly WritePlan[]): Promise<PlanError | undefined> {
  for (const [i, plan] of plans.entries()) {
    try {
      await plan.verify?.();
    } catch (err) {
      if (err instanceof ApiError) return new PlanError(i, err);
      throw err;
    }
  }
  return undefined;
}

/** The outbox's statements per plan (records/outbox.ts): one call for the whole batch. */
async function outboxStatements(
  deps: WriteDeps,
  plans: readonly WritePlan[],
): Promise<Map<WritePlan, D1PreparedStatement[]>> {
  const out = new Map<WritePlan, D1PreparedStatement[]>();
  const planned = plans.filter((p) => p.change !== undefined);
  if (!deps.outbox || planned.length === 0) return out;
  const rows = await deps.outbox.statements(
    deps.db,
    planned.map((p) => p.change as PlannedChange),
  );
  planned.forEach((plan, i) => {
    out.set(plan, rows[i] ?? []);
  });
  return out;
}

/** Hands the committed outbox rows on after the response, like change events; failures never reach the client. */
function handOffOutbox(deps: WriteDeps, ids: string[]): void {
  if (!deps.outbox || ids.length === 0) return;
  const sent = deps.outbox.committed(ids).catch(() => {});
  if (deps.defer) deps.defer(sent);
}

function firstPlanOf(err: unknown, plans: readonly WritePlan[]): number | undefined {
  const message = err instanceof Error ? err.message : "";
  const index = plans.findIndex((p) => message.includes(`${p.collection.name}.`));
  return index >= 0 ? index : undefined;
}

/** Runs a single plan, surfacing its client error directly. */
export async function runPlan(deps: WriteDeps, plan: WritePlan): Promise<WriteOutcome> {
  try {
    const [outcome] = await runPlans(deps, [plan]);
    return outcome as WriteOutcome;
  } catch (err) {
    if (!(err instanceof PlanError)) throw err;
    throw err.guarded && plan.explain ? await plan.explain() : err.error;
  }
}

/** The row a plan's statement at `index` returned (a read-back SELECT, or a create's INSERT … RETURNING). */
export function readBack(
  results: D1Result<Record<string, unknown>>[],
  index: number,
): Record<string, unknown> {
  const row = results[index]?.results[0];
  if (!row) throw new ApiError(404, "The requested resource wasn't found.");
  return row;
}
