/** Puts the effective settings on every request (`c.var.settings`); a failed read falls back, never fails it. */
import type { MiddlewareHandler } from "hono";
import { defaultSettings, type SettingsStore } from "../../ops/settings";
import type { AppEnv } from "../context";

/** Middleware loading the settings from the app's store (re-read at most once per check interval). */
export function settingsContext(store: SettingsStore): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    try {
      c.set("settings", await store.get(c.env.DB, c.env));
    } catch (error) {
      // D1 down: the last settings this isolate saw, else the environment's defaults; the request goes on.
      c.set("settings", store.current() ?? defaultSettings(c.env));
      c.get("log").warn("settings unavailable", { error: String(error) });
    }
    await next();
  };
}
