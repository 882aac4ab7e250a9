/**
 * Reading and deleting logs: list (page, perPage, sort, filter in the filter language over the log's columns
 * and `data.*`), view, per-hour stats and delete, plus the retention sweep the cron runs.
 */
import { badRequest, notFound } from "../../lib/errors";
import { formatTimestamp } from "../../lib/time";
import { filterError } from "../../records/compile";
import { parseListParams } from "../../records/query-params";
import {
  compileFilter,
  type FieldResolver,
  guestContext,
  type IdentifierNode,
  parseFilter,
  type Resolution,
  RuleSyntaxError,
  recordIdentifier,
} from "../../rules";
import type { LogEntry } from "./entry";

const COLUMNS = new Set(["id", "created", "level", "message"]);
const KEY = /^[A-Za-z0-9_]{1,64}$/;

/** Resolves log identifiers: the columns, and `data.a.b` as a JSON path into the data column. */
export const logResolver: FieldResolver = {
  resolve(node: IdentifierNode): Resolution {
    const [head, ...rest] = node.path;
    if (node.scope !== "record")
      throw new RuleSyntaxError(`${node.raw} cannot be used in a logs filter`, node.pos);
    if (head !== undefined && COLUMNS.has(head) && rest.length === 0) {
      return { kind: "column", sql: `"_logs"."${head}"`, zero: head === "level" ? 0 : undefined };
    }
    if (head === "data") {
      if (rest.length === 0) return { kind: "column", sql: `"_logs"."data"` };
      if (!rest.every((k) => KEY.test(k))) throw new RuleSyntaxError(`invalid field ${node.raw}`, node.pos);
      return { kind: "column", sql: `json_extract("_logs"."data", '$.${rest.join(".")}')` };
    }
    throw new RuleSyntaxError(`unknown field ${node.raw}`, node.pos);
  },
};

interface LogRow {
  id: string;
  created: string;
  level: number;
  message: string;
  data: string;
}

function toEntry(row: LogRow): LogEntry {
  let data: Record<string, unknown> = {};
  try {
    data = JSON.parse(row.data) as Record<string, unknown>;
  } catch {
    // A row written by something else: show it without data rather than fail the page.
  }
  return { id: row.id, created: row.created, level: row.level, message: row.message, data };
}

function where(filter: string): { sql: string; params: unknown[] } {
  if (filter === "") return { sql: "1 = 1", params: [] };
  try {
    const compiled = compileFilter(parseFilter(filter), logResolver, guestContext({ isSuperuser: true }), {
      maxParams: 90,
    });
    return { sql: compiled.sql, params: compiled.params };
  } catch (err) {
    return filterError("filter", err);
  }
}

function orderBy(sort: ReturnType<typeof parseListParams>["sort"]): string {
  if (sort.length === 0) return `"_logs"."created" DESC, "_logs"."id" DESC`;
  return sort
    .map((term) => {
      if (term.kind === "random") return "random()";
      if (term.kind === "rowid") return `"_logs".rowid ${term.desc ? "DESC" : "ASC"}`;
      const node = recordIdentifier(term.path);
      let resolved: Resolution;
      try {
        resolved = logResolver.resolve(node);
      } catch (err) {
        return filterError("sort", err);
      }
      return `${(resolved as { sql: string }).sql} ${term.desc ? "DESC" : "ASC"}`;
    })
    .join(", ");
}

/** A page of logs in PocketBase's list shape. */
export interface LogPage {
  page: number;
  perPage: number;
  totalItems: number;
  totalPages: number;
  items: LogEntry[];
}

/** Lists logs; bad parameters or filters are 400s naming the parameter. */
export async function listLogs(db: D1Database, query: Record<string, string | undefined>): Promise<LogPage> {
  const params = parseListParams(query);
  const w = where(params.filter);
  const order = orderBy(params.sort);
  const offset = (params.page - 1) * params.perPage;
  const [rows, count] = await db.batch<unknown>([
    db
      .prepare(
        `SELECT id, created, level, message, data FROM _logs WHERE ${w.sql} ORDER BY ${order} LIMIT ? OFFSET ?`,
      )
      .bind(...w.params, params.perPage, offset),
    db.prepare(`SELECT count(*) AS n FROM _logs WHERE ${w.sql}`).bind(...w.params),
  ]);
  const totalItems = Number((count?.results[0] as { n?: number } | undefined)?.n ?? 0);
  return {
    page: params.page,
    perPage: params.perPage,
    totalItems,
    totalPages: Math.ceil(totalItems / params.perPage),
    items: ((rows?.results ?? []) as LogRow[]).map(toEntry),
  };
}

/** One log by id (404 when absent). */
export async function viewLog(db: D1Database, id: string): Promise<LogEntry> {
  if (id.length > 64) throw notFound();
  const row = await db
    .prepare("SELECT id, created, level, message, data FROM _logs WHERE id = ?")
    .bind(id)
    .first<LogRow>();
  if (!row) throw notFound();
  return toEntry(row);
}

/** Counts per hour (`[{date, total}]`, oldest first) of the logs matching `filter`. */
export async function logStats(
  db: D1Database,
  filter: string | undefined,
): Promise<{ date: string; total: number }[]> {
  if (filter !== undefined && filter.length > 3500) throw badRequest('Invalid "filter" parameter.');
  const w = where(filter?.trim() ?? "");
  const { results } = await db
    .prepare(
      `SELECT strftime('%Y-%m-%d %H:00:00.000Z', created) AS date, count(*) AS total FROM _logs
       WHERE ${w.sql} GROUP BY date ORDER BY date`,
    )
    .bind(...w.params)
    .all<{ date: string; total: number }>();
  return results.map((r) => ({ date: r.date, total: Number(r.total) }));
}

/** Deletes the logs matching `filter` (all when empty); returns how many went. */
export async function deleteLogs(db: D1Database, filter: string | undefined): Promise<number> {
  const w = where(filter?.trim() ?? "");
  const result = await db
    .prepare(`DELETE FROM _logs WHERE ${w.sql}`)
    .bind(...w.params)
    .run();
  return result.meta.changes ?? 0;
}

/** Rows deleted per statement by the retention sweep, and statements per run (bounded in time). */
const SWEEP_CHUNK = 5000;
const SWEEP_ROUNDS = 20;

/** Deletes logs older than `maxDays` days, in bounded chunks (maxDays 0 keeps nothing: logging is off). */
export async function sweepOldLogs(db: D1Database, maxDays: number, now = new Date()): Promise<number> {
  const cutoff = formatTimestamp(new Date(now.getTime() - maxDays * 86_400_000));
  let deleted = 0;
  for (let round = 0; round < SWEEP_ROUNDS; round++) {
    const result = await db
      .prepare("DELETE FROM _logs WHERE id IN (SELECT id FROM _logs WHERE created < ? LIMIT ?)")
      .bind(cutoff, SWEEP_CHUNK)
      .run();
    const n = result.meta.changes ?? 0;
    deleted += n;
    if (n < SWEEP_CHUNK) break;
  }
  return deleted;
}
