/** Builds the auth flows' deps from a Hono request: primary D1 session, bindings, mailer, client info, ports. */
import type { Context } from "hono";
import type { AuthFlowDeps } from "../auth/flows/deps";
import { createMailer, hasMailTransport } from "../auth/mail-transport";
import type { SessionChecker } from "../auth/session-check";
import type { CollectionStore } from "../collections/store";
import { bindHooks, type HookRegistry } from "../hooks";
import { defaultSettings, emailBindingOf } from "../ops/settings";
import type { ChangeSink } from "../records/events";
import type { ActiveWebhooks } from "../webhooks";
import { type EnvWithAuth, isLocalDev } from "./auth-env";
import type { AppEnv } from "./context";
import { hookRequestScope, recordDeps, requestOutbox } from "./record-deps";

/** What the auth and sessions routes are built with (from app.ts). */
export interface AuthRouteOptions {
  store: CollectionStore;
  checker: (env: Cloudflare.Env) => SessionChecker;
  /** Realtime de-authorization of a user whose sessions ended (absent when realtime is not mounted). */
  onSessionsEnded?: (env: Cloudflare.Env, ref: { collectionId: string; userId: string }) => Promise<unknown>;
  /** Receives the record changes the auth flows make (the same sink as the records routes). */
  changes: ChangeSink;
  /** Shown in emails. Default "Edgebase". */
  appName?: string;
  /** The app's hooks (README "Hooks"). */
  hooks?: HookRegistry;
  /** The app's cached active webhooks (absent: every write reads them). */
  webhooks?: ActiveWebhooks;
}

/** The client's IP as Cloudflare reports it ("" without it); rate limits bucket it (auth/rate-limit.ts). */
export function clientIp(c: Context<AppEnv>): string {
  return (c.req.header("cf-connecting-ip") ?? "").slice(0, 64);
}

function deferOf(c: Context<AppEnv>): ((p: Promise<unknown>) => void) | undefined {
  try {
    const ctx = c.executionCtx;
    return (p) => ctx.waitUntil(p);
  } catch {
    return undefined;
  }
}

/** The deps of an auth flow for this request. */
export function authDeps(c: Context<AppEnv>, options: AuthRouteOptions): AuthFlowDeps {
  const env = c.env as EnvWithAuth;
  const onSessionsEnded = options.onSessionsEnded;
  // Mail through SMTP or an HTTP API is sent after the response so its latency cannot tell whether an account
  // exists; the dev mailer is immediate, so tests and local users find the message in the outbox as soon as we
  // answer. Settings (meta, mail, smtp) override the environment's APP_URL, APP_NAME and MAIL_*
  // (ops/settings/schema.ts).
  const { meta, mail, smtp } = c.var.settings ?? defaultSettings(env);
  const mailConfig = {
    MAIL_API_URL: mail.apiUrl || undefined,
    MAIL_API_KEY: mail.apiKey || undefined,
    MAIL_FROM: `${meta.senderName} <${meta.senderAddress}>`,
    smtp,
    binding: mail.emailBinding ? emailBindingOf(env) : undefined,
  };
  const transport = hasMailTransport(mailConfig);
  const deferMail = transport ? deferOf(c) : undefined;
  const dev = isLocalDev(env);
  const hooks = options.hooks && bindHooks(options.hooks, hookRequestScope(c), recordDeps(c, options));
  const mailer = transport || dev ? createMailer(mailConfig, c.var.log) : null;
  return {
    db: c.var.sessions.primary().d1,
    store: options.store,
    sessions: env.USER_SESSIONS,
    checker: options.checker(env),
    limiter: env.RATE_LIMITER,
    // Outside local dev, no transport means no mailer at all (the flows answer 503), never the dev mailer: it
    // logs links and codes.
    mailer: hooks ? hooks.mailer(mailer) : mailer,
    log: c.var.log,
    client: { ip: clientIp(c), userAgent: (c.req.header("user-agent") ?? "").slice(0, 512) },
    // The Host header is the client's to choose: links built from it could point a victim at an attacker.
    appUrl: meta.appURL || (dev ? new URL(c.req.url).origin : null),
    appName: c.var.settings ? meta.appName : (options.appName ?? meta.appName),
    auth: c.var.auth ?? null,
    onSessionsEnded: onSessionsEnded ? (ref) => onSessionsEnded(env, ref) : undefined,
    changes: options.changes,
    recordHooks: hooks?.records,
    outbox: requestOutbox(c, options.webhooks),
    files: c.env.FILES,
    authHooks: hooks?.auth,
    defer: deferMail,
    waitUntil: deferOf(c),
  };
}
