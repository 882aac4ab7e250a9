/** List/view query parameters: page, perPage, sort, filter, expand, fields, skipTotal, cursor, parsed and bounded. */

import { z } from "zod";
import { badRequest, type ErrorData, forbidden } from "../lib/errors";
import { parseInput } from "../lib/parse-input";

/** Default and maximum page sizes (PocketBase's). */
export const DEFAULT_PER_PAGE = 30;
export const MAX_PER_PAGE = 1000;
/** Highest page number accepted; deeper paging should use `cursor`. */
export const MAX_PAGE = 1_000_000;
/** At most this many sort terms. */
export const MAX_SORT_TERMS = 8;
/** Expand paths may go this many relations deep. */
export const MAX_EXPAND_DEPTH = 6;
/** At most this many comma-separated expand paths. */
export const MAX_EXPAND_PATHS = 20;
/** At most this many `fields` entries. */
export const MAX_PROJECTION_FIELDS = 100;
/** Longest `fields`, `sort` or `expand` value accepted. */
export const MAX_PARAM_LENGTH = 2000;
/** Longest excerpt a `:excerpt(n)` modifier may ask for. */
export const MAX_EXCERPT = 10_000;

const PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const SEGMENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** One sort term: a field path (resolved against the schema later) or a special ordering. */
export type SortTerm =
  | { kind: "field"; path: string; desc: boolean }
  | { kind: "random" }
  | { kind: "rowid"; desc: boolean };

/** A `fields` entry: a dotted path (`*` allowed as the last segment), optionally with an excerpt. */
export interface FieldsEntry {
  path: string[];
  excerpt?: { length: number; ellipsis: boolean };
}

/** Parsed list parameters. */
export interface ListParams {
  page: number;
  perPage: number;
  sort: SortTerm[];
  filter: string;
  expand: string[][];
  fields: FieldsEntry[] | null;
  skipTotal: boolean;
  cursor: string | null;
}

/** Parsed view parameters (a subset of the list ones). */
export interface ViewParams {
  expand: string[][];
  fields: FieldsEntry[] | null;
}

function invalid(param: string, message: string, code = "validation_invalid_value"): never {
  const data: ErrorData = { [param]: { code, message } };
  throw badRequest(`Invalid "${param}" query parameter.`, data);
}

const boundedString = (param: string) =>
  z
    .string()
    .max(MAX_PARAM_LENGTH, { error: `${param} must be at most ${MAX_PARAM_LENGTH} characters.` })
    .optional();

const MAX_CURSOR_LENGTH = 2048;

const rawListSchema = z.object({
  page: z.string().optional(),
  perPage: z.string().optional(),
  sort: boundedString("sort"),
  // The rules module enforces the filter's own limits (length, expressions) with a typed error.
  filter: z.string().optional(),
  expand: boundedString("expand"),
  fields: boundedString("fields"),
  skipTotal: z.string().optional(),
  cursor: z.string().max(MAX_CURSOR_LENGTH, { error: "cursor is too long." }).optional(),
});

const RAW_KEYS = ["page", "perPage", "sort", "filter", "expand", "fields", "skipTotal", "cursor"] as const;

/**
 * True when every known parameter is absent or a string within its length bound, i.e. when `rawListSchema` would
 * accept the query as it is: the common case then skips zod (a measurable share of a list's CPU), and anything
 * else still gets zod's exact 400.
 */
function withinRawLimits(query: Record<string, unknown>): boolean {
  for (const key of RAW_KEYS) {
    const value = query[key];
    if (value === undefined) continue;
    if (typeof value !== "string") return false;
    const max =
      key === "cursor"
        ? MAX_CURSOR_LENGTH
        : key === "sort" || key === "expand" || key === "fields"
          ? MAX_PARAM_LENGTH
          : Infinity;
    if (value.length > max) return false;
  }
  return true;
}

/** A whole number (a sign allowed, as Go's Atoi does), or the fallback when absent; other text is a 400. */
function parseWhole(param: string, raw: string | undefined): number | undefined {
  if (raw === undefined || raw === "") return undefined;
  if (!/^[-+]?\d{1,10}$/.test(raw)) invalid(param, `${param} must be a whole number.`);
  return Number(raw);
}

/**
 * `page`: below 1 is clamped to 1, as PocketBase does. Above {@link MAX_PAGE} stays a 400 (an Edgebase limit:
 * an OFFSET that deep scans the table on every request; deep paging uses `cursor`).
 */
function parsePage(raw: string | undefined): number {
  const value = parseWhole("page", raw) ?? 1;
  if (value > MAX_PAGE)
    invalid("page", `page must be at most ${MAX_PAGE}.`, "validation_max_less_equal_than_required");
  return Math.max(1, value);
}

/** `perPage`: below 1 is the default and above the maximum is the maximum, as PocketBase does. */
function parsePerPage(raw: string | undefined): number {
  const value = parseWhole("perPage", raw) ?? DEFAULT_PER_PAGE;
  return value < 1 ? DEFAULT_PER_PAGE : Math.min(value, MAX_PER_PAGE);
}

function parseBool(param: string, raw: string | undefined): boolean {
  if (raw === undefined || raw === "" || raw === "0" || raw === "false") return false;
  if (raw === "1" || raw === "true") return true;
  return invalid(param, `${param} must be true, false, 1 or 0.`);
}

function splitList(raw: string | undefined): string[] {
  if (!raw) return [];
  return raw
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

/** Parses `sort` (`-created,title,@random`). */
export function parseSort(raw: string | undefined): SortTerm[] {
  const terms = splitList(raw);
  if (terms.length > MAX_SORT_TERMS) invalid("sort", `At most ${MAX_SORT_TERMS} sort terms are allowed.`);
  return terms.map((term) => {
    const desc = term.startsWith("-");
    const name = term.replace(/^[-+]/, "");
    if (name === "@random") return { kind: "random" };
    if (name === "@rowid") return { kind: "rowid", desc };
    if (name.startsWith("@request.") || name.startsWith("@collection.")) {
      throw forbidden("Only rules may use @request.* and @collection.* identifiers.");
    }
    if (!PATH.test(name)) invalid("sort", `Invalid sort term "${term.slice(0, 100)}".`);
    return { kind: "field", path: name, desc };
  });
}

/** Parses `expand` (`author,comments_via_post.user`) into deduplicated relation paths. */
export function parseExpand(raw: string | undefined): string[][] {
  const paths = splitList(raw);
  if (paths.length > MAX_EXPAND_PATHS)
    invalid("expand", `At most ${MAX_EXPAND_PATHS} expand paths are allowed.`);
  const seen = new Set<string>();
  const out: string[][] = [];
  for (const path of paths) {
    if (!PATH.test(path)) invalid("expand", `Invalid expand path "${path.slice(0, 100)}".`);
    const segments = path.split(".");
    if (segments.length > MAX_EXPAND_DEPTH) {
      invalid("expand", `Expand paths may be at most ${MAX_EXPAND_DEPTH} relations deep.`);
    }
    if (!seen.has(path)) out.push(segments);
    seen.add(path);
  }
  return out;
}

// `name`, `expand.author.name`, `expand.author.*`, `*`, `body:excerpt(200,true)`.
const FIELDS_ENTRY =
  /^((?:[A-Za-z_][A-Za-z0-9_]*\.)*(?:[A-Za-z_][A-Za-z0-9_]*|\*))(?::excerpt\((\d{1,6})(?:,\s*(true|false))?\))?$/;

/** Parses `fields`; null means "all fields". Splits on commas outside parentheses. */
export function parseFields(raw: string | undefined): FieldsEntry[] | null {
  if (!raw || raw.trim() === "") return null;
  const entries: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of raw) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      entries.push(current.trim());
      current = "";
    } else current += ch;
  }
  entries.push(current.trim());
  const items = entries.filter((e) => e !== "");
  if (items.length > MAX_PROJECTION_FIELDS)
    invalid("fields", `At most ${MAX_PROJECTION_FIELDS} fields are allowed.`);
  return items.map((item) => {
    const match = FIELDS_ENTRY.exec(item);
    if (!match) invalid("fields", `Invalid fields entry "${item.slice(0, 100)}".`);
    const path = match[1]!.split(".");
    if (path.slice(0, -1).some((s) => !SEGMENT.test(s))) invalid("fields", `Invalid fields entry "${item}".`);
    if (match[2] === undefined) return { path };
    const length = Number(match[2]);
    if (length < 1 || length > MAX_EXCERPT) invalid("fields", `Excerpt length must be 1 to ${MAX_EXCERPT}.`);
    return { path, excerpt: { length, ellipsis: match[3] === "true" } };
  });
}

/** Turns URL query parameters into validated list parameters; bad values are a 400 naming the parameter. */
export function parseListParams(query: Record<string, string | undefined>): ListParams {
  const q = withinRawLimits(query)
    ? query
    : parseInput(rawListSchema, query, { message: "Invalid query parameters.", root: "query" });
  const cursor = q.cursor && q.cursor !== "" ? q.cursor : null;
  if (cursor !== null && q.page !== undefined && q.page !== "" && q.page !== "1") {
    invalid("cursor", "cursor and page cannot be combined.");
  }
  return {
    page: parsePage(q.page),
    perPage: parsePerPage(q.perPage),
    sort: parseSort(q.sort),
    filter: q.filter?.trim() ?? "",
    expand: parseExpand(q.expand),
    fields: parseFields(q.fields),
    skipTotal: parseBool("skipTotal", q.skipTotal),
    cursor,
  };
}

/** Turns URL query parameters into validated view parameters. */
export function parseViewParams(query: Record<string, string | undefined>): ViewParams {
  const { expand, fields } = parseListParams({ expand: query.expand, fields: query.fields });
  return { expand, fields };
}
