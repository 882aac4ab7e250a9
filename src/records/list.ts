/** Listing records: listRule + client filter as WHERE terms, sort, page or cursor, COUNT when wanted, expand. */
import { quoteIdent } from "../db/sql";
import { badRequest } from "../lib/errors";
import { MAX_BOUND_PARAMS } from "../rules/limits";
import { compileText, ruleTerm, scopeFor, termSql } from "./compile";
import { type CursorValue, decodeCursor, encodeCursor, invalidCursor } from "./cursor";
import type { CollectionRef, RecordDeps } from "./deps";
import { withFreshSchema } from "./fresh-schema";
import type { ListParams } from "./query-params";
import { renderRecords } from "./render";
import { resolveSort, type SortKey, sortSignature } from "./sort";

/** The list response (PocketBase's shape; `nextCursor` only when the `cursor` extension is in use). */
export interface ListResult {
  page: number;
  perPage: number;
  totalItems: number;
  totalPages: number;
  items: unknown[];
  nextCursor?: string | null;
}

const KEY_PREFIX = "__eb_k";

/** A 400 for queries that would exceed D1's bound-parameter cap. */
export function tooManyParams(param = "filter"): never {
  throw badRequest(`Invalid "${param}" parameter: the query is too complex.`, {
    [param]: {
      code: "validation_filter_limit",
      message: `The query needs more than ${MAX_BOUND_PARAMS} parameters.`,
    },
  });
}

/** Lists the records of a collection the caller may see (re-planned once on a just-changed schema). */
export function listRecords(
  deps: RecordDeps,
  collectionName: string,
  params: ListParams,
): Promise<ListResult> {
  return withFreshSchema(deps, collectionName, (ref) => listIn(deps, ref, params));
}

async function listIn(deps: RecordDeps, ref: CollectionRef, params: ListParams): Promise<ListResult> {
  const scope = scopeFor(ref.snapshot, ref.collection, deps.ctx);
  const where: string[] = [];
  const whereParams: unknown[] = [];
  const rule = ruleTerm(ref.collection.listRule, scope);
  if (rule) {
    const term = termSql(rule, scope);
    where.push(term.sql);
    whereParams.push(...term.params);
  }
  const sort = resolveSort(params.sort, scope);
  const sortParams = sort.random ? 0 : sort.keys.reduce((n, k) => n + k.params.length, 0);
  if (params.filter !== "") {
    const budget = MAX_BOUND_PARAMS - whereParams.length - sortParams - 2;
    if (budget < 1) tooManyParams();
    const filter = compileText(params.filter, scope, { client: true, maxParams: budget });
    const term = termSql(filter, scope);
    where.push(term.sql);
    whereParams.push(...term.params);
  }
  const whereSql = where.length > 0 ? ` WHERE ${where.join(" AND ")}` : "";
  const from = `FROM ${quoteIdent(ref.collection.name)} ${scope.alias}${whereSql}`;

  let sql: string;
  const bind: unknown[] = [];
  let keys: SortKey[] = [];
  if (sort.random) {
    if (params.cursor !== null) {
      throw badRequest('Invalid "cursor" query parameter.', {
        cursor: {
          code: "validation_invalid_cursor",
          message: "A cursor cannot be used with @random sorting.",
        },
      });
    }
    sql = `SELECT ${scope.alias}.* ${from} ORDER BY RANDOM()`;
    bind.push(...whereParams);
  } else {
    keys = sort.keys;
    const select = keys.map((k, i) => `${k.sql} AS ${KEY_PREFIX}${i}`).join(", ");
    bind.push(...keys.flatMap((k) => k.params), ...whereParams);
    let outerWhere = "";
    if (params.cursor !== null) {
      const position = decodeCursor(params.cursor, sortSignature(params.sort));
      if (position.values.length !== keys.length) invalidCursor();
      const keyset = keysetSql(keys, position.values);
      outerWhere = ` WHERE ${keyset.sql}`;
      bind.push(...keyset.params);
    }
    const order = keys.map((k, i) => `${KEY_PREFIX}${i} ${k.desc ? "DESC" : "ASC"}`).join(", ");
    sql = `SELECT * FROM (SELECT ${scope.alias}.*, ${select} ${from}) AS "__q"${outerWhere} ORDER BY ${order}`;
  }
  const cursorMode = params.cursor !== null;
  const limit = params.perPage + 1;
  const offset = cursorMode ? 0 : (params.page - 1) * params.perPage;
  sql += " LIMIT ? OFFSET ?";
  bind.push(limit, offset);
  if (bind.length > MAX_BOUND_PARAMS) tooManyParams();

  const statements = [deps.db.prepare(sql).bind(...bind)];
  if (!params.skipTotal)
    statements.push(deps.db.prepare(`SELECT COUNT(*) AS n ${from}`).bind(...whereParams));
  const [page, count] = await deps.db.batch<Record<string, unknown>>(statements);
  const rows = page?.results ?? [];
  const hasMore = rows.length > params.perPage;
  const pageRows = rows.slice(0, params.perPage);
  const items = await renderRecords(deps, ref, pageRows.map(stripKeys), params);
  const totalItems = params.skipTotal
    ? -1
    : Number((count?.results[0] as { n?: number } | undefined)?.n ?? 0);
  const result: ListResult = {
    page: cursorMode ? 1 : params.page,
    perPage: params.perPage,
    totalItems,
    totalPages: params.skipTotal ? -1 : Math.ceil(totalItems / params.perPage),
    items,
  };
  if (!sort.random) {
    const last = pageRows[pageRows.length - 1];
    result.nextCursor =
      hasMore && last
        ? encodeCursor({
            sort: sortSignature(params.sort),
            values: keys.map((_, i) => (last[`${KEY_PREFIX}${i}`] ?? null) as CursorValue),
            id: String(last.id),
          })
        : null;
  }
  return result;
}

function stripKeys(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) if (!k.startsWith(KEY_PREFIX)) out[k] = v;
  return out;
}

/**
 * "Strictly after this position" for keys with mixed directions, spelled out term by term so NULLs behave as
 * SQLite orders them (first ascending, last descending).
 */
export function keysetSql(
  keys: readonly SortKey[],
  values: readonly CursorValue[],
): { sql: string; params: unknown[] } {
  const ors: string[] = [];
  const params: unknown[] = [];
  keys.forEach((key, i) => {
    const parts: string[] = [];
    for (let j = 0; j < i; j++) {
      const v = values[j] ?? null;
      if (v === null) parts.push(`${KEY_PREFIX}${j} IS NULL`);
      else {
        parts.push(`${KEY_PREFIX}${j} = ?`);
        params.push(v);
      }
    }
    const v = values[i] ?? null;
    const col = `${KEY_PREFIX}${i}`;
    if (!key.desc) {
      if (v === null) parts.push(`${col} IS NOT NULL`);
      else {
        parts.push(`${col} > ?`);
        params.push(v);
      }
    } else if (v === null) parts.push("0");
    else {
      parts.push(`(${col} < ? OR ${col} IS NULL)`);
      params.push(v);
    }
    ors.push(`(${parts.join(" AND ")})`);
  });
  return { sql: `(${ors.join(" OR ")})`, params };
}
