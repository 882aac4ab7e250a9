/** The `fields` projection: keep the listed keys (`*` for all at a level), nested `expand.*`, `:excerpt(n, …)`. */
import { toExcerpt } from "./excerpt";
import type { FieldsEntry } from "./query-params";

interface Node {
  all: boolean;
  excerpt?: { length: number; ellipsis: boolean };
  children: Map<string, Node>;
}

function newNode(): Node {
  return { all: false, children: new Map() };
}

/** Builds the projection tree once per request. */
export function fieldsTree(entries: readonly FieldsEntry[]): Node {
  const root = newNode();
  for (const entry of entries) {
    let node = root;
    for (const segment of entry.path) {
      if (segment === "*") {
        node.all = true;
        break;
      }
      let child = node.children.get(segment);
      if (!child) {
        child = newNode();
        node.children.set(segment, child);
      }
      node = child;
    }
    if (entry.excerpt && entry.path[entry.path.length - 1] !== "*") node.excerpt = entry.excerpt;
  }
  return root;
}

/** Applies the projection to a record (or a list of them); values are never mutated. */
export function projectFields(value: unknown, node: Node): unknown {
  if (Array.isArray(value)) return value.map((v) => projectFields(v, node));
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const child = node.children.get(key);
    if (child) out[key] = isLeaf(child) ? withExcerpt(v, child.excerpt) : projectFields(v, child);
    else if (node.all) out[key] = v;
  }
  return out;
}

function isLeaf(node: Node): boolean {
  return !node.all && node.children.size === 0;
}

function withExcerpt(value: unknown, excerpt: Node["excerpt"]): unknown {
  if (!excerpt || typeof value !== "string") return value;
  return toExcerpt(value, excerpt.length, excerpt.ellipsis);
}

/** True for a paged list body (`{page, perPage, totalItems, totalPages, items}`), whose items are picked. */
function isListResult(value: unknown): value is Record<string, unknown> & { items: unknown[] } {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return Array.isArray(v.items) && "page" in v && "perPage" in v;
}

/**
 * `?fields=` on any JSON response, as PocketBase's generic picker: a paged list keeps its paging keys and picks
 * each item; any other body (an auth response's `{token, record}`, a collection, an array) is picked as a whole.
 */
export function pickResponse(body: unknown, entries: readonly FieldsEntry[]): unknown {
  const tree = fieldsTree(entries);
  if (isListResult(body)) return { ...body, items: projectFields(body.items, tree) };
  return projectFields(body, tree);
}
