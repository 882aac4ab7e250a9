/**
 * Edgebase's own cron jobs (PocketBase's ids where it has them): log retention, expired one-time-code and
 * pending-MFA clean-up, scheduled backups, the orphaned-file sweep, and the webhook deliveries sweep.
 */
import { deleteExpiredMfas } from "../../auth/mfa";
import type { CollectionStore } from "../../collections/store";
import { sweepFromLastCursor } from "../../records/file-sweep";
import { drainDeletions } from "../../storage/deletions";
import { deliveryDeps, sweepDeliveries } from "../../webhooks";
import { scheduledBackup } from "../backups/service";
import { sweepOldLogs } from "../logs/query";
import type { SettingsStore } from "../settings/store";
import { isDue, parseCron } from "./expression";
import type { CronJob } from "./runner";

/** What the built-in jobs read: the isolate's settings and collection stores. */
export interface BuiltinJobDeps {
  settings: SettingsStore;
  store: CollectionStore;
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

/** Deletes expired pending MFAs (hourly), each collection by its `mfa.duration`; sign-in refuses them anyway. */
export function mfaCleanupJob(deps: BuiltinJobDeps): CronJob {
  return {
    id: "__pbMFACleanup__",
    expression: "0 * * * *",
    run: async ({ env, now }) => {
      const snapshot = await deps.store.snapshot(env.DB);
      await deleteExpiredMfas(env.DB, snapshot.collections, now);
    },
  };
}

/**
 * The scheduled backup: checked every minute against `backups.cron` from the settings (so a settings change
 * needs no redeploy); run now, it backs up at once. Keeps `backups.cronMaxKeep` automatic backups.
 */
export function autoBackupJob(deps: BuiltinJobDeps): CronJob {
  return {
    id: "__pbAutoBackup__",
    expression: "* * * * *",
    timeoutMs: 300_000,
    run: async ({ env, now, scheduled }) => {
      const { backups } = await deps.settings.load(env.DB, env);
      if (scheduled && (backups.cron === "" || !isDue(parseCron(backups.cron), now))) return;
      await scheduledBackup({ db: env.DB, bucket: env.BACKUPS }, backups.cronMaxKeep, now);
    },
  };
}

/**
 * Rounds of tracked deletions one cron run takes, each up to 200 rows and 20,000 listed objects: a plain row
 * costs one R2 list (its thumbs) besides the bulk delete, so this keeps a run near a thousand R2 calls.
 */
const DRAIN_ROUNDS = 5;

/**
 * Files no record names any more (hourly): first the tracked deletions (storage/deletions.ts: dropped fields and
 * collections, truncates, record deletes whose R2 call failed) are retried, then the orphan sweep collects what
 * nothing tracked, such as uploads a crash left before their commit, 10,000 objects a run from where the last
 * run stopped. Objects younger than an hour are left alone by the sweep (records/file-sweep.ts).
 */
export function filesCleanupJob(deps: BuiltinJobDeps): CronJob {
  return {
    id: "__filesCleanup__",
    expression: "30 * * * *",
    timeoutMs: 120_000,
    run: async ({ env }) => {
      const files = env.FILES;
      if (!files) return;
      try {
        for (let round = 0; round < DRAIN_ROUNDS; round++) {
          const drained = await drainDeletions(env.DB, files, { maxRows: 200, maxObjects: 20_000 });
          // Rows that failed stay for the next run: R2 is likely still failing.
          if (!drained.pending || drained.failed > 0) break;
        }
      } finally {
        // The sweep runs even when the drain threw (its error still fails the job and is logged).
        await sweepFromLastCursor({ db: env.DB, store: deps.store, files });
      }
    },
  };
}

/**
 * Re-sends webhook deliveries still pending well after their time (every minute): the Worker died between a
 * write's commit and its queue send, or a delayed retry message was lost (webhooks/sweep.ts).
 */
export function webhooksSweepJob(deps: BuiltinJobDeps): CronJob {
  return {
    id: "__webhooksSweep__",
    expression: "* * * * *",
    timeoutMs: 120_000,
    run: async ({ env, now, log }) => {
      await sweepDeliveries(env, deliveryDeps(env, deps.store, log), now);
    },
  };
}

/** Every built-in job. */
export function builtinJobs(deps: BuiltinJobDeps): CronJob[] {
  return [
    logsCleanupJob(deps),
    otpCleanupJob(),
    mfaCleanupJob(deps),
    autoBackupJob(deps),
    filesCleanupJob(deps),
    webhooksSweepJob(deps),
  ];
}
