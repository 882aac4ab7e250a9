/** `GET /api/health`: liveness in PocketBase's response shape. */
import type { Hono } from "hono";
import type { AppEnv } from "../context";

/** Mounts the health route. */
export function healthRoutes(app: Hono<AppEnv>): void {
  app.get("/api/health", (c) => c.json({ code: 200, message: "API is healthy.", data: {} }));
}
