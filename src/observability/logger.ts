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
  /** True when an event of `level` goes anywhere (the line or the sink): callers skip building its fields. */
  enabled(level: LogLevel): boolean;
}

/** Options for {@link createLogger}; `level: "off"` silences everything (benchmarks, noisy tests). */
export interface LoggerOptions {
  level?: LogLevel | "off";
  /** Where lines go; defaults to console.log so that Workers Logs picks them up. */
  write?: (line: string) => void;
  /**
   * Also receives every event of `sinkLevel` or above, whatever `level` says (the request log store keeps
   * warnings and errors from anywhere, under its own settings). Must not throw.
   */
  sink?: (level: LogLevel, msg: string, fields: LogFields) => void;
  /** The lowest level the sink receives. Default "debug" (every event). */
  sinkLevel?: LogLevel;
}

/** Turns an unknown thrown value into loggable fields (message and stack, never the raw object). */
export function errorFields(err: unknown): LogFields {
  if (err instanceof Error) {
    return { error: err.message, errorName: err.name, stack: err.stack };
  }
  return { error: String(err) };
}

/** What every logger of one {@link createLogger} call shares: thresholds and outputs, resolved once. */
interface Outputs {
  threshold: number;
  sinkThreshold: number;
  write: (line: string) => void;
  sink: LoggerOptions["sink"];
}

// A class, not closures: a request's child logger is one small object, its methods shared on the prototype.
class JsonLogger implements Logger {
  readonly #out: Outputs;
  readonly #bound: LogFields;

  constructor(out: Outputs, bound: LogFields) {
    this.#out = out;
    this.#bound = bound;
  }

  debug(msg: string, fields?: LogFields): void {
    this.#emit("debug", msg, fields);
  }
  info(msg: string, fields?: LogFields): void {
    this.#emit("info", msg, fields);
  }
  warn(msg: string, fields?: LogFields): void {
    this.#emit("warn", msg, fields);
  }
  error(msg: string, fields?: LogFields): void {
    this.#emit("error", msg, fields);
  }
  child(fields: LogFields): Logger {
    return new JsonLogger(this.#out, { ...this.#bound, ...fields });
  }
  enabled(level: LogLevel): boolean {
    const rank = LEVELS[level];
    return rank >= this.#out.threshold || (this.#out.sink !== undefined && rank >= this.#out.sinkThreshold);
  }

  #emit(level: LogLevel, msg: string, fields?: LogFields): void {
    const out = this.#out;
    const rank = LEVELS[level];
    if (out.sink && rank >= out.sinkThreshold) out.sink(level, msg, { ...this.#bound, ...fields });
    if (rank < out.threshold) return;
    out.write(JSON.stringify({ time: new Date().toISOString(), level, msg, ...this.#bound, ...fields }));
  }
}

/** Creates a JSON-lines logger. */
export function createLogger(options: LoggerOptions = {}, bound: LogFields = {}): Logger {
  const out: Outputs = {
    threshold: options.level === "off" ? Number.POSITIVE_INFINITY : LEVELS[options.level ?? "info"],
    sinkThreshold: LEVELS[options.sinkLevel ?? "debug"],
    write: options.write ?? ((line: string) => console.log(line)),
    sink: options.sink,
  };
  return new JsonLogger(out, bound);
}
