/** Cron jobs: expressions, the registry and runner, and the built-in jobs. */
export { autoBackupJob, builtinJobs, logsCleanupJob, otpCleanupJob } from "./builtin";
export { CronExpressionError, type CronSchedule, isDue, parseCron } from "./expression";
export {
  type CronContext,
  type CronJob,
  CronRegistry,
  DEFAULT_JOB_TIMEOUT_MS,
  type JobOutcome,
  runDue,
  runJob,
} from "./runner";
