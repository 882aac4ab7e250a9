/** How the logs page shows a log: level names, the filter completer's schema, and the detail's rows (pure). */
import type { CollectionInfo } from "./rule-complete";

/** A log as the API serves it (the SDK's LogModel types `level` as a string; it is a number). */
export interface LogEntry {
  id: string;
  created: string;
  level: number;
  message: string;
  data: Record<string, unknown>;
}

/** PocketBase's level numbers and their names. */
const LEVELS: [level: number, name: string][] = [
  [8, "ERROR"],
  [4, "WARN"],
  [0, "INFO"],
  [-4, "DEBUG"],
];

/** A level's name: the highest named level at or below it (`5` is WARN), DEBUG below all. */
export function levelName(level: number): string {
  for (const [at, name] of LEVELS) if (level >= at) return name;
  return "DEBUG";
}

/** The level choices of `logs.minLevel` in the settings. */
export const LEVEL_CHOICES = LEVELS.map(([value, name]) => ({
  value,
  label: `${name} (${value})`,
})).reverse();

const DATA_FIELDS = [
  "type",
  "method",
  "url",
  "status",
  "execTime",
  "remoteIP",
  "userAgent",
  "referer",
  "auth",
  "authId",
  "requestId",
  "error",
];

/**
 * The log's columns as a collection the filter input can complete: `data` is made a relation to a pseudo
 * collection of the request fields, so `data.` suggests `data.status`, `data.url`, … (the API reads them as
 * JSON paths).
 */
export const LOG_FILTER_SCHEMA: { collection: CollectionInfo; all: CollectionInfo[] } = (() => {
  const data: CollectionInfo = {
    id: "__log_data",
    name: "__log_data",
    type: "base",
    fields: DATA_FIELDS.map((name) => ({
      name,
      type: name === "status" || name === "execTime" ? "number" : "text",
    })),
  };
  const collection: CollectionInfo = {
    id: "__logs",
    name: "__logs",
    type: "base",
    fields: [
      { name: "id", type: "text" },
      { name: "created", type: "date" },
      { name: "level", type: "number" },
      { name: "message", type: "text" },
      { name: "data", type: "relation", collectionId: data.id },
    ],
  };
  return { collection, all: [collection, data] };
})();

/**
 * The filter the logs page sends: the typed one, and (as PocketBase's "Include requests by superusers" toggle,
 * off by default) superusers' own requests left out, or the dashboard's reads would fill the list.
 */
export function logsFilter(filter: string, includeSuperusers: boolean): string {
  const typed = filter.trim();
  if (includeSuperusers) return typed;
  const own = 'data.auth != "_superusers"';
  return typed ? `(${typed}) && ${own}` : own;
}

/** The detail view's rows: the known request fields first, in a fixed order, then anything else by name. */
export function detailRows(data: Record<string, unknown>): [key: string, value: string][] {
  const keys = [
    ...DATA_FIELDS.filter((k) => k in data),
    ...Object.keys(data)
      .filter((k) => !DATA_FIELDS.includes(k))
      .sort(),
  ];
  return keys.map((k) => {
    const v = data[k];
    return [k, typeof v === "string" ? v : JSON.stringify(v, null, 2)];
  });
}
