/** Request and application logs on the LOGS database: entries, the batched writer, queries and retention. */
export {
  eventEntry,
  type LogEntry,
  type RequestFacts,
  requestEntry,
  requestLevel,
  shouldStore,
} from "./entry";
export { deleteLogs, type LogPage, listLogs, logStats, sweepOldLogs, viewLog } from "./query";
export { storeSink } from "./sink";
export { LogWriter, type PendingLog, writeLogs } from "./writer";
