/** `GET /api/docs`: the interactive API reference, whose files Workers Static Assets serve under /api/docs/. */
import type { Hono } from "hono";
import type { AppEnv } from "../context";

/** Where the reference's files live (scripts/build-docs.mjs copies them into the assets folder). */
export const DOCS_PATH = "/api/docs/";

/**
 * Mounts the redirect to the reference. Requests under /api/docs/ never reach the Worker (wrangler.toml's
 * `run_worker_first` excludes them), so the page costs no Worker invocation and renders with no network.
 */
export function docsRoutes(app: Hono<AppEnv>): void {
  app.get("/api/docs", (c) => c.redirect(DOCS_PATH, 302));
}
