/** Creates the superuser named by EDGEBASE_SUPERUSER_EMAIL/PASSWORD on first use (once per isolate). */
import type { MiddlewareHandler } from "hono";
import { ensureSuperuser } from "../../auth/flows/bootstrap";
import type { CollectionStore } from "../../collections/store";
import { errorFields } from "../../observability/logger";
import type { ChangeSink } from "../../records/events";
import type { EnvWithAuth } from "../auth-env";
import type { AppEnv } from "../context";

/**
 * When both variables are set, requests make sure that superuser exists (one indexed D1 read when it does)
 * until one of them has succeeded; later requests skip the check. Each request awaits only its own check:
 * Workers forbid a request from finishing I/O another request started. ensureSuperuser is race-safe, so
 * concurrent first requests are fine. A failure is logged and retried on the next request; it never fails
 * the request itself.
 */
export function superuserBootstrap(store: CollectionStore, changes: ChangeSink): MiddlewareHandler<AppEnv> {
  let doneFor: string | undefined;
  return async (c, next) => {
    const env = c.env as EnvWithAuth;
    const email = env.EDGEBASE_SUPERUSER_EMAIL;
    const password = env.EDGEBASE_SUPERUSER_PASSWORD;
    const key = email && password ? `${email}\n${password}` : undefined;
    if (email && password && doneFor !== key) {
      const db = c.get("sessions").primary().d1;
      try {
        const outcome = await ensureSuperuser({ db, store, changes }, email, password);
        doneFor = key;
        if (outcome === "created")
          c.get("log").info("superuser created from EDGEBASE_SUPERUSER_EMAIL", { email });
      } catch (error) {
        c.get("log").error("superuser bootstrap failed", errorFields(error));
      }
    }
    await next();
  };
}
