/** Read capabilities: find one collection (cached), and the admin list with paging, sort and filter. */

import { z } from "zod";
import type { D1Like } from "../db/sql";
import { badRequest, notFound } from "../lib/errors";
import { parseInput } from "../lib/parse-input";
import {
  compileFilter,
  guestContext,
  type IdentifierNode,
  parseFilter,
  RuleError,
  RuleSyntaxError,
} from "../rules";
import { type Collection, type PublicCollection, toPublicCollection } from "./collection";
import { type CollectionRow, rowToCollection } from "./rows";
import type { CollectionStore } from "./store";

/** What read capabilities need: the database (or a session) and the per-isolate store. */
export interface CollectionReadDeps {
  db: D1Like;
  store: CollectionStore;
}

/** The collection with this id or name (case-insensitive), or undefined: the store's one cached lookup. */
export async function findCollection(
  deps: CollectionReadDeps,
  idOrName: string,
): Promise<Collection | undefined> {
  return (await deps.store.find(deps.db, idOrName)).collection;
}

/** The collection with this id or name; 404 when there is none. */
export async function getCollection(deps: CollectionReadDeps, idOrName: string): Promise<Collection> {
  const found = await findCollection(deps, idOrName);
  if (!found) throw notFound();
  return found;
}

/** Every collection (cached snapshot), in creation order. */
export async function allCollections(deps: CollectionReadDeps): Promise<readonly Collection[]> {
  return (await deps.store.snapshot(deps.db)).collections;
}

const boolish = z
  .union([z.boolean(), z.enum(["1", "0", "true", "false", ""])])
  .transform((v) => v === true || v === "1" || v === "true");

/** Query parameters of the admin list (PocketBase's names). */
export const listCollectionsInput = z.object({
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  perPage: z.coerce.number().int().min(1).max(1000).default(30),
  sort: z.string().max(200).default(""),
  filter: z.string().max(3500).default(""),
  skipTotal: boolish.default(false),
});

/** One page of collections. */
export interface CollectionPage {
  page: number;
  perPage: number;
  totalItems: number;
  totalPages: number;
  items: PublicCollection[];
}

/** Columns the list can filter and sort by. */
const COLUMNS: Record<string, { sql: string; zero?: number }> = {
  id: { sql: "id" },
  name: { sql: "name" },
  type: { sql: "type" },
  system: { sql: "system", zero: 0 },
  created: { sql: "created" },
  updated: { sql: "updated" },
  listRule: { sql: "listRule" },
  viewRule: { sql: "viewRule" },
  createRule: { sql: "createRule" },
  updateRule: { sql: "updateRule" },
  deleteRule: { sql: "deleteRule" },
};

function orderBy(sort: string): string {
  if (sort.trim() === "") return "created ASC, id ASC";
  const terms = sort.split(",").map((t) => t.trim());
  if (terms.length > 8)
    throw badRequest("Too many sort terms.", {
      sort: { code: "validation_invalid_sort", message: "At most 8 terms." },
    });
  return terms
    .map((term) => {
      const desc = term.startsWith("-");
      const name = term.replace(/^[-+]/, "");
      const column = COLUMNS[name];
      if (!column)
        throw badRequest("Invalid sort.", {
          sort: { code: "validation_invalid_sort", message: `Unknown field "${name}".` },
        });
      return `${column.sql} ${desc ? "DESC" : "ASC"}`;
    })
    .join(", ");
}

function where(filter: string): { sql: string; params: unknown[] } {
  if (filter.trim() === "") return { sql: "1", params: [] };
  try {
    const compiled = compileFilter(
      parseFilter(filter),
      {
        resolve(identifier: IdentifierNode) {
          const column =
            identifier.scope === "record" && identifier.path.length === 1
              ? COLUMNS[identifier.path[0] as string]
              : undefined;
          if (!column) throw new RuleSyntaxError(`unknown field "${identifier.raw}"`, identifier.pos);
          return {
            kind: "column",
            sql: `_collections.${column.sql}`,
            ...(column.zero !== undefined ? { zero: column.zero } : {}),
          };
        },
      },
      guestContext(),
      { maxParams: 90 },
    );
    return { sql: compiled.sql, params: compiled.params };
  } catch (err) {
    if (err instanceof RuleError) {
      throw badRequest("Invalid filter.", {
        filter: { code: "validation_invalid_filter", message: err.message },
      });
    }
    throw err;
  }
}

/** Lists collections for the admin API (page, perPage, sort, filter, skipTotal). */
export async function listCollections(deps: CollectionReadDeps, input: unknown): Promise<CollectionPage> {
  const { page, perPage, sort, filter, skipTotal } = parseInput(listCollectionsInput, input, {
    message: "Invalid query parameters.",
    root: "query",
  });
  const cond = where(filter);
  const list = deps.db
    .prepare(`SELECT * FROM _collections WHERE ${cond.sql} ORDER BY ${orderBy(sort)} LIMIT ? OFFSET ?`)
    .bind(...cond.params, perPage, (page - 1) * perPage);
  const [rows, count] = await deps.db.batch<unknown>(
    skipTotal
      ? [list]
      : [
          list,
          deps.db.prepare(`SELECT COUNT(*) AS n FROM _collections WHERE ${cond.sql}`).bind(...cond.params),
        ],
  );
  const items = ((rows?.results ?? []) as CollectionRow[]).map((r) => toPublicCollection(rowToCollection(r)));
  const totalItems = skipTotal ? -1 : ((count?.results[0] as { n: number } | undefined)?.n ?? 0);
  return { page, perPage, totalItems, totalPages: skipTotal ? -1 : Math.ceil(totalItems / perPage), items };
}
