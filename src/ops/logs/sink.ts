/** The logger sink that copies warnings and errors from anywhere in Edgebase into the log store. */
import type { LogFields, LogLevel } from "../../observability/logger";
import { LOG_LEVELS, type Settings } from "../settings/schema";
import { eventEntry } from "./entry";
import type { LogWriter } from "./writer";

/** Fields of a logger event that are not worth a stored copy (the request log row holds them already). */
const SKIP: ReadonlySet<string> = new Set(["request"]);

/**
 * A sink for createLogger: warn and error events become entries (with their request id, which the request
 * logger binds), under the current `logs` settings. The entries are written with the request's own flush.
 */
export function storeSink(
  writer: LogWriter,
  logs: () => Settings["logs"],
): (level: LogLevel, msg: string, fields: LogFields) => void {
  return (level, msg, fields) => {
    if ((level !== "warn" && level !== "error") || SKIP.has(msg)) return;
    try {
      const entry = eventEntry(LOG_LEVELS[level], msg, fields, logs());
      if (entry) writer.add(entry);
    } catch {
      // A field that cannot be copied (a cycle, a BigInt) must not turn a log call into a thrown error.
    }
  };
}
