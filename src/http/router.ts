/**
 * The app's router: Hono's RegExpRouter for every route it accepts, Hono's TrieRouter for the paths of the few
 * it refuses. Hono's default (SmartRouter) falls back to the TrieRouter for every request as soon as one route
 * is refused, and PocketBase's API has static names beside parameters (`/api/logs/stats` and `/api/logs/:id`,
 * `/api/collections/meta/scaffolds` and `/api/collections/:collection/…`), so every request paid a trie search
 * and a sort of its handler sets; the RegExpRouter answers from one precompiled match.
 */
import {
  MESSAGE_MATCHER_IS_ALREADY_BUILT,
  type Result,
  type Router,
  UnsupportedPathError,
} from "hono/router";
import { RegExpRouter } from "hono/router/reg-exp-router";
import { TrieRouter } from "hono/router/trie-router";

type Route<T> = [method: string, path: string, handler: T];

/**
 * A router equivalent to Hono's TrieRouter (same handlers, same order, same params) that answers from a
 * RegExpRouter whenever it can.
 *
 * Why the result is the same: a path that no refused route can match is matched by exactly the accepted routes,
 * and Hono's routers agree on what a set of routes they accept matches; a path that some refused route might
 * match (tested with a pattern that may over-match, never under-match) goes to the TrieRouter holding every route.
 */
export class SplitRouter<T> implements Router<T> {
  name = "SplitRouter";
  #routes: Route<T>[] | undefined = [];
  readonly #trie = new TrieRouter<T>();
  #fast: RegExpRouter<T> | undefined;
  #refused: RegExp | undefined;
  #refusedPaths: string[] = [];

  add(method: string, path: string, handler: T): void {
    if (!this.#routes) throw new Error(MESSAGE_MATCHER_IS_ALREADY_BUILT);
    this.#routes.push([method, path, handler]);
    this.#trie.add(method, path, handler);
  }

  match(method: string, path: string): Result<T> {
    if (this.#routes) this.#build(this.#routes);
    const fast = this.#fast;
    if (fast === undefined || this.#refused?.test(path)) return this.#trie.match(method, path);
    return fast.match(method, path);
  }

  /** The paths the RegExpRouter refused (answered by the trie), after the first match; for tests. */
  get refusedPaths(): readonly string[] {
    return this.#refusedPaths;
  }

  /** Whether requests outside the refused paths use the RegExpRouter (false: everything uses the trie). */
  get usesRegExp(): boolean {
    return this.#fast !== undefined;
  }

  #build(routes: Route<T>[]): void {
    this.#routes = undefined;
    // Which paths to refuse: conflicts are between path shapes, so each distinct path is tried once, under ALL
    // (one trie for every method: a set it accepts is accepted per method too). Parameter-rich paths go first,
    // so that of a clashing pair the static name (`/api/logs/stats`, usually cold) is refused, not the parameter
    // route (`/api/logs/:id`). A refused insert leaves the probe as it was (it fails before adding a node).
    const paths = [...new Set(routes.map(([, path]) => path))];
    const order = paths.map((path, i) => ({ path, i, params: paramCount(path) }));
    order.sort((a, b) => b.params - a.params || a.i - b.i);
    const probe = new RegExpRouter<null>();
    const refused = new Set<string>();
    for (const { path } of order) {
      try {
        probe.add("ALL", path, null);
      } catch (error) {
        if (!(error instanceof UnsupportedPathError)) throw error;
        refused.add(path);
      }
    }
    try {
      // The real router gets the accepted routes in registration order (that order is the handlers' order).
      const fast = new RegExpRouter<T>();
      for (const route of routes) if (!refused.has(route[1])) fast.add(...route);
      fast.match("GET", "/");
      this.#fast = fast;
    } catch (error) {
      if (!(error instanceof UnsupportedPathError)) throw error;
      this.#fast = undefined;
      return;
    }
    this.#refusedPaths = [...refused];
    if (this.#refusedPaths.length > 0)
      this.#refused = new RegExp(`^(?:${this.#refusedPaths.map(coveringPattern).join("|")})$`);
    this.name = `SplitRouter (RegExpRouter, TrieRouter for ${this.#refusedPaths.length} paths)`;
  }
}

function paramCount(path: string): number {
  let n = 0;
  for (const segment of path.split("/")) if (segment.startsWith(":") || segment.includes("*")) n++;
  return n;
}

/**
 * A regular expression source matching at least every path `route` matches: static segments literally, a plain
 * parameter as any segment; from a wildcard, an optional or a custom-pattern parameter on, anything at all.
 */
function coveringPattern(route: string): string {
  if (!route.startsWith("/")) return ".*";
  let out = "";
  for (const segment of route.split("/").slice(1)) {
    if (segment.includes("*") || segment.includes("{") || segment.endsWith("?")) return `${out}(?:/.*)?`;
    out += segment.startsWith(":") ? "/[^/]*" : `/${segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`;
  }
  return out === "" ? "/?" : out;
}
