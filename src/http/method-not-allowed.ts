/** Answers 405 (with Allow) for known paths called with a method they do not support. */
import type { Hono } from "hono";
import { methodNotAllowed } from "../lib/errors";
import type { AppEnv } from "./context";

/**
 * Registers a catch-all per route path that throws 405. Call it after every route is mounted: routes
 * added later on the same path are shadowed by it.
 */
export function addMethodNotAllowed(app: Hono<AppEnv>): void {
  const byPath = new Map<string, Set<string>>();
  for (const route of app.routes) {
    if (route.method === "ALL") continue;
    const methods = byPath.get(route.path) ?? new Set<string>();
    methods.add(route.method);
    if (route.method === "GET") methods.add("HEAD");
    byPath.set(route.path, methods);
  }
  for (const [path, methods] of byPath) {
    const allowed = [...methods, "OPTIONS"];
    app.all(path, () => {
      throw methodNotAllowed(allowed);
    });
  }
}
