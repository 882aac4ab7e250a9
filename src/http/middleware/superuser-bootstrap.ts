/** Creates the superuser named by EDGEBASE_SUPERUSER_EMAIL/PASSWORD on first use (once per isolate). */
import type { MiddlewareHandler } from "hono";
import { ensureSuperuser } from "../../auth/flows/bootstrap";
import type { CollectionStore } from "../../collections/store";
import { errorFields } from "../../observability/logger";
import type { EnvWithAuth } from "../auth-env";
import type { AppEnv } from "../context";

/**
 * When both variables are set, the first request of an isolate makes sure that superuser exists (one indexed
 * D1 read when it does); later requests await an already settled promise. A failure is logged and retried on
 * the next request; it never fails the request itself.
 */
export function superuserBootstrap(store: CollectionStore): MiddlewareHandler<AppEnv> {
  let settled: { key: string; done: Promise<void> } | undefined;
  return async (c, next) => {
    const env = c.env as EnvWithAuth;
    const email = env.EDGEBASE_SUPERUSER_EMAIL;
    const password = env.EDGEBASE_SUPERUSER_PASSWORD;
    if (email && password) {
      const key = `${email}\n${password}`;
      if (settled?.key !== key) {
        const db = c.var.sessions.primary().d1;
        const log = c.var.log;
        const done = ensureSuperuser({ db, store }, email, password).then(
          (outcome) => {
            if (outcome === "created") log.info("superuser created from EDGEBASE_SUPERUSER_EMAIL", { email });
          },
          (error: unknown) => {
            settled = undefined;
            log.error("superuser bootstrap failed", errorFields(error));
          },
        );
        settled = { key, done };
      }
      await settled.done;
    }
    await next();
  };
}
