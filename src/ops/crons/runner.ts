/**
 * The cron runner: a registry of jobs `{id, expression, run}`, the scheduled tick that runs the ones due, and
 * run-now. Each job runs on its own with a time limit; a failure is logged with the job id and never stops the
 * others. Jobs must be idempotent: a tick may run twice (Cron Triggers are at-least-once).
 */
import type { Logger } from "../../observability/logger";
import { errorFields } from "../../observability/logger";
import { CronExpressionError, type CronSchedule, isDue, parseCron } from "./expression";

/** What a job gets when it runs. */
export interface CronContext {
  env: Cloudflare.Env;
  /** The tick's minute (the scheduled time, not the wall clock). */
  now: Date;
  log: Logger;
  /** Aborted when the job's time limit is over. */
  signal: AbortSignal;
  /** True on a Cron Trigger tick, false when run now through `/api/crons/{id}`. */
  scheduled: boolean;
  /** Keeps work running after the job returns (the event's waitUntil). */
  waitUntil: (promise: Promise<unknown>) => void;
}

/** A scheduled job. `expression` is a cron expression (expression.ts), evaluated in UTC. */
export interface CronJob {
  id: string;
  expression: string;
  run: (ctx: CronContext) => Promise<unknown>;
  /** Milliseconds before the job counts as failed. Default {@link DEFAULT_JOB_TIMEOUT_MS}. */
  timeoutMs?: number;
}

/** Default time limit of a job: well inside a Cron Trigger's wall-clock budget. */
export const DEFAULT_JOB_TIMEOUT_MS = 60_000;

/** How one job's run went. */
export interface JobOutcome {
  id: string;
  ok: boolean;
  error?: string;
  durationMs: number;
}

interface Registered {
  job: CronJob;
  schedule: CronSchedule;
}

/** The registered jobs; ids are unique and expressions are checked when the app is built. */
export class CronRegistry {
  readonly #jobs = new Map<string, Registered>();

  constructor(jobs: readonly CronJob[]) {
    for (const job of jobs) {
      if (!/^[A-Za-z0-9_-]{1,100}$/.test(job.id))
        throw new CronExpressionError(`invalid cron job id "${job.id}"`);
      if (this.#jobs.has(job.id)) throw new CronExpressionError(`duplicate cron job id "${job.id}"`);
      this.#jobs.set(job.id, { job, schedule: parseCron(job.expression) });
    }
  }

  /** `[{id, expression}]`, sorted by id as PocketBase lists them. */
  list(): { id: string; expression: string }[] {
    return [...this.#jobs.values()]
      .map(({ job }) => ({ id: job.id, expression: job.expression }))
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  /** The job with this id, if any. */
  get(id: string): CronJob | undefined {
    return this.#jobs.get(id)?.job;
  }

  /** The jobs due at `date`'s minute. */
  due(date: Date): CronJob[] {
    return [...this.#jobs.values()].filter((r) => isDue(r.schedule, date)).map((r) => r.job);
  }
}

/** Runs one job under its time limit; never rejects. */
export async function runJob(
  job: CronJob,
  ctx: Omit<CronContext, "signal" | "log"> & { log: Logger },
): Promise<JobOutcome> {
  const started = Date.now();
  const controller = new AbortController();
  const log = ctx.log.child({ cron: job.id });
  const limit = job.timeoutMs ?? DEFAULT_JOB_TIMEOUT_MS;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`cron job timed out after ${limit} ms`));
    }, limit);
  });
  try {
    await Promise.race([
      Promise.resolve().then(() => job.run({ ...ctx, log, signal: controller.signal })),
      timeout,
    ]);
    return { id: job.id, ok: true, durationMs: Date.now() - started };
  } catch (error) {
    log.error("cron job failed", { cronJob: job.id, ...errorFields(error) });
    return { id: job.id, ok: false, error: String(error), durationMs: Date.now() - started };
  } finally {
    if (timer !== null) clearTimeout(timer);
  }
}

/** Runs every job due at `ctx.now` concurrently; one failing job does not stop the others. */
export async function runDue(
  registry: CronRegistry,
  ctx: Omit<CronContext, "signal" | "log"> & { log: Logger },
): Promise<JobOutcome[]> {
  return Promise.all(registry.due(ctx.now).map((job) => runJob(job, ctx)));
}
