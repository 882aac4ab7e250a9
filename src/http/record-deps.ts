/** Builds the records capabilities' deps (with the request's RuleContext) from a Hono request. */
import type { Context } from "hono";
import { ruleContext } from "../auth/rule-context";
import type { CollectionStore } from "../collections/store";
import { bindRecordHooks, type HookRegistry, type RequestScope } from "../hooks";
import type { RecordDeps } from "../records/deps";
import type { ChangeSink } from "../records/events";
import type { Outbox } from "../records/outbox";
import { type ActiveWebhooks, enqueueDeliveries, webhookOutbox } from "../webhooks";
import { type EnvWithAuth, isLocalDev } from "./auth-env";
import type { AppEnv } from "./context";

/** What the records routes are built with (from app.ts). */
export interface RecordRouteOptions {
  store: CollectionStore;
  changes: ChangeSink;
  /** Hashes new passwords of auth records. */
  hashPassword?: (plain: string) => Promise<string>;
  /** Checks a password against a stored hash. */
  verifyPassword?: (plain: string, stored: string) => Promise<boolean>;
  /** The app's hooks (README "Hooks"), bound to each request's deps. */
  hooks?: HookRegistry;
  /** The app's cached active webhooks (absent: every write reads them). */
  webhooks?: ActiveWebhooks;
}

/** The records deps for this request, with `body` as `@request.body`. */
export function recordDeps(
  c: Context<AppEnv>,
  options: RecordRouteOptions,
  body: Record<string, unknown> = {},
): RecordDeps {
  const ctx = ruleContext({
    auth: c.get("auth") ?? null,
    method: c.req.method,
    headers: c.req.raw.headers,
    query: c.req.query(),
    body,
  });
  const deps: RecordDeps = {
    db: c.get("d1"),
    store: options.store,
    ctx,
    changes: options.changes,
    hashPassword: options.hashPassword,
    verifyPassword: options.verifyPassword,
    files: c.env.FILES,
    outbox: requestOutbox(c, options.webhooks),
    defer: deferOf(c),
  };
  if (options.hooks) deps.hooks = bindRecordHooks(options.hooks, hookRequestScope(c), deps);
  return deps;
}

/** The webhook outbox of this request's writes: deliveries in the write's batch, then queued. */
export function requestOutbox(c: Context<AppEnv>, active: ActiveWebhooks | undefined): Outbox {
  return webhookOutbox({
    enqueue: (ids) => enqueueDeliveries(c.env, ids),
    log: c.get("log"),
    dev: isLocalDev(c.env as EnvWithAuth),
    active,
  });
}

/** What hooks see of this request. */
export function hookRequestScope(c: Context<AppEnv>): RequestScope {
  return { request: c.req.raw, env: c.env, requestId: c.get("requestId"), log: c.get("log") };
}

/** `ctx.waitUntil` of the request, or undefined where there is none (app.request() in tests). */
export function deferOf(c: Context<AppEnv>): ((p: Promise<unknown>) => void) | undefined {
  try {
    const ctx = c.executionCtx;
    return (p) => ctx.waitUntil(p);
  } catch {
    // app.request() in tests has no execution context: the promise simply runs on.
    return undefined;
  }
}
