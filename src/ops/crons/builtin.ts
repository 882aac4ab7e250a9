/** Edgebase's own cron jobs (PocketBase's ids): log retention and expired one-time-code clean-up. */
import { sweepOldLogs } from "../logs/query";
import type { SettingsStore } from "../settings/store";
import type { CronJob } from "./runner";

/** What the built-in jobs read: the isolate's settings store. */
export interface BuiltinJobDeps {
  settings: SettingsStore;
}

/** Deletes request logs older than `logs.maxDays` (every 6 hours, as PocketBase). */
export function logsCleanupJob(deps: BuiltinJobDeps): CronJob {
  return {
    id: "__pbLogsCleanup__",
    expression: "0 */6 * * *",
    run: async ({ env, now }) => {
      const settings = await deps.settings.load(env.DB, env);
      await sweepOldLogs(env.LOGS, settings.logs.maxDays, now);
    },
  };
}

/** Deletes expired one-time codes (hourly). Sign-in refuses them anyway; this keeps `_otps` small. */
export function otpCleanupJob(): CronJob {
  return {
    id: "__pbOTPCleanup__",
    expression: "0 * * * *",
    run: async ({ env, now }) => {
      await env.DB.prepare("DELETE FROM _otps WHERE expires < ?").bind(now.getTime()).run();
    },
  };
}

/** Every built-in job. */
export function builtinJobs(deps: BuiltinJobDeps): CronJob[] {
  return [logsCleanupJob(deps), otpCleanupJob()];
}
