/** A log entry in PocketBase's shape, and how a request or an application event becomes one under the settings. */
import { newId } from "../../lib/ids";
import { formatTimestamp } from "../../lib/time";
import { LOG_LEVELS, type Settings } from "../settings/schema";

/** One stored log: `{id, created, level, message, data}`. */
export interface LogEntry {
  id: string;
  created: string;
  level: number;
  message: string;
  data: Record<string, unknown>;
}

/** What the HTTP layer knows about a finished request. */
export interface RequestFacts {
  method: string;
  url: string;
  status: number;
  /** Milliseconds from the first middleware to the response. */
  execTime: number;
  remoteIP: string;
  userAgent: string;
  referer: string;
  /** The caller's collection name, or "" for a guest. */
  auth: string;
  authId: string;
  requestId: string;
  /** The error's message for 4xx/5xx answers (never a stack). */
  error?: string;
  details?: unknown;
}

/** Longest string kept in a log's data (longer ones are cut); keeps a row well under D1's limits. */
export const MAX_LOG_STRING = 2000;

function cut(value: string): string {
  return value.length > MAX_LOG_STRING ? `${value.slice(0, MAX_LOG_STRING)}…` : value;
}

/** The level of a request log: error for 5xx, warn for 4xx, info otherwise. */
export function requestLevel(status: number): number {
  if (status >= 500) return LOG_LEVELS.error;
  if (status >= 400) return LOG_LEVELS.warn;
  return LOG_LEVELS.info;
}

/** True when `settings.logs` stores an entry of this level at all (maxDays 0 turns logging off). */
export function shouldStore(logs: Settings["logs"], level: number): boolean {
  return logs.maxDays > 0 && level >= logs.minLevel;
}

/** A request's log entry, or null when the settings keep none; the IP and auth id only when they allow. */
export function requestEntry(facts: RequestFacts, logs: Settings["logs"], now = new Date()): LogEntry | null {
  const level = requestLevel(facts.status);
  if (!shouldStore(logs, level)) return null;
  const data: Record<string, unknown> = {
    type: "request",
    method: facts.method,
    url: cut(facts.url),
    status: facts.status,
    execTime: facts.execTime,
    remoteIP: logs.logIP ? facts.remoteIP : "",
    userAgent: cut(facts.userAgent),
    referer: cut(facts.referer),
    auth: facts.auth || "guest",
    authId: logs.logAuthId ? facts.authId : "",
    requestId: facts.requestId,
  };
  if (facts.error) data.error = cut(facts.error);
  if (facts.details !== undefined) data.details = facts.details;
  return {
    id: newId(),
    created: formatTimestamp(now),
    level,
    message: `${facts.method} ${cut(facts.url)}`,
    data,
  };
}

/** An application event (a warning or error logged anywhere) as an entry, or null when the settings keep none. */
export function eventEntry(
  level: number,
  message: string,
  fields: Record<string, unknown>,
  logs: Settings["logs"],
  now = new Date(),
): LogEntry | null {
  if (!shouldStore(logs, level)) return null;
  const data: Record<string, unknown> = { type: "app" };
  for (const [key, value] of Object.entries(fields)) {
    data[key] = typeof value === "string" ? cut(value) : value;
  }
  return { id: newId(), created: formatTimestamp(now), level, message: cut(message), data };
}
