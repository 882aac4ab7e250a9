/** Structured JSON logger: one line per event, with the request id when there is one. */

/** Severity levels, lowest first. */
export type LogLevel = "debug" | "info" | "warn" | "error";

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Fields attached to a log line. */
export type LogFields = Record<string, unknown>;

/** A logger that writes JSON lines; `child` binds fields (such as the request id) to every line. */
export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

/** Options for {@link createLogger}; `level: "off"` silences everything (benchmarks, noisy tests). */
export interface LoggerOptions {
  level?: LogLevel | "off";
  /** Where lines go; defaults to console.log so that Workers Logs picks them up. */
  write?: (line: string) => void;
  /**
   * Also receives every event, whatever `level` says (the request log store keeps warnings and errors from
   * anywhere, under its own settings). Must not throw.
   */
  sink?: (level: LogLevel, msg: string, fields: LogFields) => void;
}

/** Turns an unknown thrown value into loggable fields (message and stack, never the raw object). */
export function errorFields(err: unknown): LogFields {
  if (err instanceof Error) {
    return { error: err.message, errorName: err.name, stack: err.stack };
  }
  return { error: String(err) };
}

/** Creates a JSON-lines logger. */
export function createLogger(options: LoggerOptions = {}, bound: LogFields = {}): Logger {
  const threshold = options.level === "off" ? Number.POSITIVE_INFINITY : LEVELS[options.level ?? "info"];
  const write = options.write ?? ((line: string) => console.log(line));
  const emit = (level: LogLevel, msg: string, fields?: LogFields) => {
    options.sink?.(level, msg, { ...bound, ...fields });
    if (LEVELS[level] < threshold) return;
    write(JSON.stringify({ time: new Date().toISOString(), level, msg, ...bound, ...fields }));
  };
  return {
    debug: (msg, fields) => emit("debug", msg, fields),
    info: (msg, fields) => emit("info", msg, fields),
    warn: (msg, fields) => emit("warn", msg, fields),
    error: (msg, fields) => emit("error", msg, fields),
    child: (fields) => createLogger(options, { ...bound, ...fields }),
  };
}
