/** `GET /api/health`: liveness in PocketBase's response shape, with its superuser-only `data` fields. */
import type { Context, Hono } from "hono";
import { SUPERUSERS } from "../../collections";
import { clientIpOf } from "../../ops/ratelimits/client-ip";
import { defaultSettings } from "../../ops/settings";
import type { AppEnv } from "../context";

/** Headers that usually mean a proxy sits in front (PocketBase's list, after the configured ones). */
const COMMON_PROXY_HEADERS = ["CF-Connecting-IP", "Fly-Client-IP", "X-Forwarded-For"];

/** Mounts the health route. */
export function healthRoutes(app: Hono<AppEnv>): void {
  app.get("/api/health", (c) =>
    c.json({
      code: 200,
      message: "API is healthy.",
      data: c.var.auth?.collectionName === SUPERUSERS ? superuserData(c) : {},
    }),
  );
}

/**
 * What the dashboard shows superusers: whether backups can be made (Edgebase never locks them: each writes its
 * own object, so this is whether the BACKUPS bucket is bound), the client IP as rate limits see it, and the
 * first proxy-looking header present (a reminder to configure `trustedProxy`).
 */
function superuserData(c: Context<AppEnv>) {
  const proxy = (c.var.settings ?? defaultSettings(c.env)).trustedProxy;
  const header = (name: string) => c.req.header(name);
  return {
    canBackup: c.env.BACKUPS !== undefined,
    realIP: clientIpOf(header, proxy),
    possibleProxyHeader: [...proxy.headers, ...COMMON_PROXY_HEADERS].find((name) => header(name)) ?? "",
  };
}
