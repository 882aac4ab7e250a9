/** `POST /api/batch`: create/update/upsert/delete requests, each checked with the caller's rules, in ONE D1 batch. */

import { z } from "zod";
import { quoteIdent } from "../db/sql";
import { ApiError, badRequest } from "../lib/errors";
import { parseInput } from "../lib/parse-input";
import type { RuleContext } from "../rules/context";
import { planCreate } from "./create";
import { planDelete } from "./delete";
import { findCollection, type RecordDeps } from "./deps";
import { type BatchState, batchKey, PlanError, runPlans, type WritePlan } from "./plan";
import { parseViewParams } from "./query-params";
import { withReplan } from "./replan";
import { planUpdate } from "./update";

/** Hard ceiling for the configurable maximum (each request costs statements in the one D1 batch). */
export const MAX_BATCH_REQUESTS = 200;

/** The operator's batch limits (settings `batch`): requests per batch, and the time to plan them all. */
export interface BatchLimits {
  maxRequests: number;
  /** Planning must end within this (ms) or nothing is written. */
  timeoutMs: number;
}

const requestSchema = z.object({
  method: z.string().max(10),
  url: z.string().min(1).max(2000),
  headers: z.record(z.string().max(200), z.string().max(8000)).optional(),
  body: z.record(z.string(), z.unknown()).optional(),
});

/** One request of a batch, as submitted. */
export type BatchRequest = z.output<typeof requestSchema>;

/** One response of a batch. */
export interface BatchResponse {
  status: number;
  body: unknown;
}

const URL_PATTERN = /^\/api\/collections\/([^/?#]+)\/records(?:\/([^/?#]+))?(?:\?(.*))?$/;

/** Builds the RuleContext of one request of the batch (its method, headers, query and body). */
export type BatchContextFactory = (request: BatchRequest, query: Record<string, string>) => RuleContext;

function failure(index: number, error: ApiError): ApiError {
  return badRequest("Batch transaction failed.", {
    requests: {
      [String(index)]: {
        code: "batch_request_failed",
        message: "Batch request failed.",
        response: { status: error.status, message: error.message, data: error.data } as never,
      },
    },
  });
}

function parseRequests(input: Record<string, unknown>, maxRequests: number): BatchRequest[] {
  const list = input.requests;
  if (!Array.isArray(list) || list.length === 0) {
    throw badRequest("Failed to validate the submitted data.", {
      requests: { code: "validation_required", message: "At least one request is required." },
    });
  }
  if (list.length > maxRequests) {
    throw badRequest("Failed to validate the submitted data.", {
      requests: {
        code: "validation_length_too_long",
        message: `At most ${maxRequests} requests are allowed.`,
      },
    });
  }
  return list.map((item, i) => parseInput(requestSchema, item, { prefix: `requests.${i}` }));
}

/**
 * Runs a batch: plans every request (reads and rule pre-checks), then commits all writes in one D1 batch. A
 * batch still planning when `limits.timeoutMs` has passed is refused before it writes anything.
 */
export async function runBatch(
  base: Omit<RecordDeps, "ctx">,
  contextOf: BatchContextFactory,
  input: Record<string, unknown>,
  limits: BatchLimits,
): Promise<BatchResponse[]> {
  const requests = parseRequests(input, Math.min(limits.maxRequests, MAX_BATCH_REQUESTS));
  const deadline = Date.now() + limits.timeoutMs;
  // A batch planned from a stale schema, or whose rows changed under it, is planned again whole (rules
  // re-checked), as a single write without If-Match is: batches carry no precondition.
  try {
    return await withReplan(base, () => planAndRun(base, contextOf, requests, deadline), {
      retryConflicts: true,
    });
  } catch (err) {
    if (err instanceof PlanError) throw err.index === undefined ? err.error : failure(err.index, err.error);
    throw err;
  }
}

async function planAndRun(
  base: Omit<RecordDeps, "ctx">,
  contextOf: BatchContextFactory,
  requests: BatchRequest[],
  deadline: number,
): Promise<BatchResponse[]> {
  const state: BatchState = { created: new Set(), rows: new Map() };
  const plans: WritePlan[] = [];
  for (const [i, request] of requests.entries()) {
    try {
      plans.push(await planRequest(base, contextOf, request, state));
    } catch (err) {
      if (err instanceof ApiError) throw failure(i, err);
      throw err;
    }
    // Workers' clock moves only across I/O, which every plan does: checked per request, so a slow batch stops
    // at the first request past its time.
    if (Date.now() > deadline) {
      throw badRequest(
        "Batch transaction failed: it did not finish within its timeout; nothing was written.",
      );
    }
  }
  try {
    const outcomes = await runPlans(base, plans);
    return outcomes.map((o) => ({ status: o.status, body: o.body }));
  } catch (err) {
    if (!(err instanceof PlanError) || err.index === undefined || !err.guarded) throw err;
    // A guard fired: tell a concurrent change of the row (409, re-planned) from the rule refusing (404).
    const plan = plans[err.index];
    throw plan?.explain ? new PlanError(err.index, await plan.explain(), true) : err;
  }
}

async function planRequest(
  base: Omit<RecordDeps, "ctx">,
  contextOf: BatchContextFactory,
  request: BatchRequest,
  state: BatchState,
): Promise<WritePlan> {
  const match = URL_PATTERN.exec(request.url);
  const method = request.method.toUpperCase();
  if (!match) throw badRequest(`Unsupported batch request URL: ${request.url.slice(0, 100)}`);
  const query = Object.fromEntries(new URLSearchParams(match[3] ?? ""));
  const params = parseViewParams(query);
  const deps: RecordDeps = { ...base, ctx: contextOf(request, query) };
  const ref = await findCollection(deps, decodeURIComponent(match[1] as string));
  const id = match[2] === undefined ? undefined : decodeURIComponent(match[2]);
  const body = request.body ?? {};
  if (method === "POST" && id === undefined) return planCreate(deps, ref, body, params, state);
  if (method === "PATCH" && id !== undefined) return planUpdate(deps, ref, id, body, params, {}, state);
  if (method === "DELETE" && id !== undefined) return planDelete(deps, ref, id, {}, state);
  if (method === "PUT") {
    const target = id ?? (typeof body.id === "string" ? body.id : undefined);
    const pending = target !== undefined && state.rows.has(batchKey(ref.collection.id, target));
    if (target !== undefined && (pending || (await exists(deps, ref.collection.name, target)))) {
      const { id: _id, ...rest } = body;
      return planUpdate(deps, ref, target, rest, params, {}, state);
    }
    return planCreate(deps, ref, target === undefined ? body : { ...body, id: target }, params, state);
  }
  throw badRequest(`Unsupported batch request: ${method} ${request.url.slice(0, 100)}`);
}

async function exists(deps: RecordDeps, table: string, id: string): Promise<boolean> {
  const row = await deps.db
    .prepare(`SELECT 1 AS x FROM ${quoteIdent(table)} WHERE id = ?`)
    .bind(id)
    .first();
  return row !== null;
}
