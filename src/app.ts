/** Composition root: builds the Hono app from options and wires middleware and routes. */
import { env } from "cloudflare:workers";
import { Hono } from "hono";
import { cors } from "hono/cors";
import { sessionRevocationSink } from "./auth/flows/session-sink";
import { mfaClearingSink } from "./auth/mfa";
import { authRecordCleanupSink } from "./auth/passkeys/cleanup";
import { hashPassword, verifyPassword } from "./auth/password";
import { RecentAuthRows } from "./auth/recent-auth-rows";
import { createSessionChecker, type SessionChecker } from "./auth/session-check";
import {
  createReadCache,
  generationSink,
  type ReadCacheOptions,
  schemaGenerationSink,
} from "./cache/read-cache";
import { CollectionStore, type CollectionStoreOptions } from "./collections";
import { type GraphqlOptions, resolveGraphqlLimits } from "./graphql/limits";
import { type HookDefinition, HookRegistry } from "./hooks";
import type { AuthRouteOptions } from "./http/auth-deps";
import type { AppEnv } from "./http/context";
import { addMethodNotAllowed } from "./http/method-not-allowed";
import { tokenAuth } from "./http/middleware/auth";
import { type Authenticate, authenticate } from "./http/middleware/authenticate";
import { bodyLimit, DEFAULT_BODY_LIMIT } from "./http/middleware/body-limit";
import { d1Session } from "./http/middleware/d1-session";
import { edgebaseVersion } from "./http/middleware/edgebase-version";
import { pickFields } from "./http/middleware/pick-fields";
import { settingsRateLimits } from "./http/middleware/rate-limits";
import { requestContext } from "./http/middleware/request-context";
import { requestLog } from "./http/middleware/request-log";
import { settingsContext } from "./http/middleware/settings";
import { superuserBootstrap } from "./http/middleware/superuser-bootstrap";
import { onError, onNotFound } from "./http/on-error";
import type { RecordRouteOptions } from "./http/record-deps";
import { SplitRouter } from "./http/router";
import { authRoutes, isAuthRefreshRequest } from "./http/routes/auth";
import { backupRoutes } from "./http/routes/backups";
import { batchRoutes } from "./http/routes/batch";
import { collectionRoutes } from "./http/routes/collections";
import { cronRoutes } from "./http/routes/crons";
import { docsRoutes } from "./http/routes/docs";
import { fileRoutes } from "./http/routes/files";
import { graphqlRoutes } from "./http/routes/graphql";
import { healthRoutes } from "./http/routes/health";
import { logsRoutes } from "./http/routes/logs";
import { oauth2RedirectRoutes } from "./http/routes/oauth2-redirect";
import { openapiRoutes } from "./http/routes/openapi";
import { passkeyRoutes } from "./http/routes/passkeys";
import { realtimeRoutes } from "./http/routes/realtime";
import { recordRoutes } from "./http/routes/records";
import { sessionRoutes } from "./http/routes/sessions";
import { settingsRoutes } from "./http/routes/settings";
import { totpRoutes } from "./http/routes/totp";
import { webhookRoutes } from "./http/routes/webhooks";
import { createLogger, type LogLevel } from "./observability/logger";
import { builtinJobs, type CronJob, CronRegistry, runDue } from "./ops/crons";
import { LogWriter, storeSink } from "./ops/logs";
import { defaultSettings, SettingsStore } from "./ops/settings";
import type { RealtimeOptions } from "./realtime/connect";
import { type RealtimePublisher, realtimeOff, realtimePublisher } from "./realtime/custom-publish";
import { deauthorizeUser } from "./realtime/deauthorize";
import { fanOutSink, realtimeSink } from "./realtime/publish";
import { type ChangeSink, noopChangeSink } from "./records/events";
import { ActiveWebhooks, consumeDeliveries } from "./webhooks";

/** CORS settings; `origin` is a list of allowed origins or `*` (PocketBase's default). */
export interface CorsOptions {
  origin: string | string[];
  allowHeaders?: string[];
  exposeHeaders?: string[];
  maxAge?: number;
  credentials?: boolean;
}

/** Options for {@link createEdgebase}. All are optional; the defaults suit local development. */
export interface EdgebaseOptions {
  /** CORS settings, or `false` to add no CORS headers. Default: any origin. */
  cors?: CorsOptions | false;
  /** Maximum request body size in bytes. Default: 10 MB. */
  bodyLimit?: number;
  /** Minimum log level, or "off". Default: "info". */
  logLevel?: LogLevel | "off";
  /**
   * Resolves the caller of each request (`c.var.auth`): an auth record, or null for a guest. Default: the
   * `Authorization` token is verified (http/middleware/auth.ts); tests and embedders can plug their own in here.
   */
  authenticate?: Authenticate;
  /** Receives every committed record change (realtime plugs in here). Default: dropped. */
  changes?: ChangeSink;
  /** Realtime (WebSocket and SSE) limits, room rules and hub shards, or `false` to mount no realtime. */
  realtime?: RealtimeOptions | false;
  /**
   * The KV read cache of public list/view responses for guests (README "Read cache"): a staleness bound
   * (default 60 s), a fill budget per collection per minute (default 60), per-collection overrides or
   * opt-outs, or `false` to turn it off. Needs the CACHE binding.
   */
  cache?: ReadCacheOptions | false;
  /**
   * GraphQL at /api/graphql (README "GraphQL"): limits (depth, aliases, query size, cost) and whether introspection,
   * the SDL and the explorer are served, or `false` to mount no GraphQL.
   */
  graphql?: GraphqlOptions | false;
  /** The collection store's schema check and miss-reload intervals, and a hook called on each miss reload. */
  collectionStore?: CollectionStoreOptions;
  /**
   * Your own scheduled jobs `{id, expression, run}` (README "Crons"), run by the scheduled handler next to the
   * built-in ones when their cron expression (UTC, one-minute granularity) is due.
   */
  crons?: CronJob[];
  /**
   * TypeScript hooks run around record writes (README "Hooks"), in registration order, optionally limited to
   * some collections: before-hooks change values, add field errors or refuse; after-hooks run after the commit.
   */
  hooks?: HookDefinition[];
}

/** The Edgebase app: the Hono app plus the Cron Triggers handler; export it as the Worker's default. */
export type EdgebaseApp = Hono<AppEnv> & {
  scheduled: ExportedHandlerScheduledHandler<Cloudflare.Env>;
  /** The webhook delivery queue's consumer (src/webhooks). */
  queue: ExportedHandlerQueueHandler<Cloudflare.Env>;
  /**
   * Publishes to custom realtime topics from your routes (README "Custom topics"); hooks get the same as
   * `e.realtime`. With `realtime: false` every publish throws.
   */
  realtime: RealtimePublisher;
};

const DEFAULT_CORS: CorsOptions = {
  origin: "*",
  exposeHeaders: [
    "x-request-id",
    "x-d1-bookmark",
    "x-edgebase-cache",
    "x-edgebase-version",
    "x-edgebase-schema-etag",
    "etag",
  ],
};

/** Builds the Edgebase Hono app; add your own routes to it before exporting it as the Worker. */
export function createEdgebase(options: EdgebaseOptions = {}): EdgebaseApp {
  // One settings store and one log buffer per app (isolate); warnings and errors from anywhere reach the store.
  const settingsStore = new SettingsStore();
  const logWriter = new LogWriter({
    onError: (error, dropped) =>
      console.log(JSON.stringify({ level: "warn", msg: "log write failed", dropped, error: String(error) })),
  });
  const log = createLogger({
    level: options.logLevel ?? "info",
    sink: storeSink(logWriter, () => (settingsStore.current() ?? defaultSettings(env)).logs),
    // The store keeps warnings and errors only (ops/logs/sink.ts): lower events are not even copied for it.
    sinkLevel: "warn",
  });
  // SplitRouter: RegExpRouter for all but the few routes it refuses (http/router.ts says why).
  const app = new Hono<AppEnv>({ router: new SplitRouter() });

  app.use("*", requestContext(log));
  app.use("*", settingsContext(settingsStore));
  app.use("*", requestLog(logWriter));
  app.use("*", edgebaseVersion());
  if (options.cors !== false) app.use("*", cors(options.cors ?? DEFAULT_CORS));
  app.use("*", bodyLimit(options.bodyLimit ?? DEFAULT_BODY_LIMIT));
  app.use("*", pickFields());
  app.use("*", d1Session({ primaryFirst: isAuthRefreshRequest }));
  // One collection store per app, so one per isolate for the Worker: definitions are cached across requests.
  const collectionStore = new CollectionStore({ log, ...options.collectionStore });
  const crons = new CronRegistry([
    ...builtinJobs({ settings: settingsStore, store: collectionStore }),
    ...(options.crons ?? []),
  ]);
  const readCache = createReadCache(
    options.cache,
    () => env.CACHE,
    (error) => log.warn("cache failed", { error: String(error) }),
  );
  // One session checker per app (isolate), built on first use: bindings are only reachable per request.
  let checker: SessionChecker | undefined;
  const checkerOf = (e: Cloudflare.Env) => {
    checker ??= createSessionChecker(e.USER_SESSIONS);
    return checker;
  };
  const realtime = options.realtime === false ? undefined : (options.realtime ?? {});
  // The binding is looked up per event, so building the app (at module load) touches no binding.
  const live =
    realtime &&
    realtimeSink(() => env.REALTIME_HUB, { shards: realtime.shards, users: () => env.REALTIME_USER });
  const endSessions = sessionRevocationSink({
    checker: () => checkerOf(env),
    onSessionsEnded: realtime ? (ref) => deauthorizeUser(env.REALTIME_USER, ref) : undefined,
    log,
  });
  // The generation sink goes first: its bump is synchronous, so this isolate's next read sees the write.
  const bumps = readCache && generationSink(() => readCache.edge()?.generations);
  const clearMfas = mfaClearingSink(() => env.DB, log);
  const forget = authRecordCleanupSink(() => env.DB, log);
  // One copy of the active webhooks per app (isolate); its sink drops it when `_webhooks` changes here.
  const activeWebhooks = new ActiveWebhooks();
  // The token middleware's memo of auth records; its sink forgets a record changed here before the response.
  const recentAuthRows = new RecentAuthRows();
  const sinks = [
    bumps,
    activeWebhooks.sink(),
    recentAuthRows.sink(),
    options.changes,
    live,
    endSessions,
    clearMfas,
    forget,
  ].filter((s): s is ChangeSink => s !== undefined);
  const changes = sinks.length === 0 ? noopChangeSink : fanOutSink(...sinks);
  app.use("/api/*", superuserBootstrap(collectionStore, changes));
  if (options.authenticate) app.use("*", authenticate(options.authenticate));
  else
    app.use(
      "*",
      tokenAuth({
        store: collectionStore,
        checker: checkerOf,
        recent: recentAuthRows,
        fresh: isAuthRefreshRequest,
      }),
    );
  app.use("/api/*", settingsRateLimits());

  // Bindings are looked up per publish, like the sink's: building the app touches none.
  const publisher = realtime
    ? realtimePublisher({
        hubs: () => env.REALTIME_HUB,
        // No reload on a miss: every publish misses (a channel is no collection), and the isolate's snapshot
        // follows schema changes within the store's check interval anyway.
        isCollection: async (name) =>
          (await collectionStore.find(env.DB, name, { reloadOnMiss: false })).collection !== undefined,
        shards: realtime.shards,
      })
    : realtimeOff;
  const hooks = new HookRegistry(options.hooks, publisher);
  const authOptions: AuthRouteOptions = {
    store: collectionStore,
    checker: checkerOf,
    onSessionsEnded: realtime ? (e, ref) => deauthorizeUser(e.REALTIME_USER, ref) : undefined,
    changes,
    hooks: hooks.empty ? undefined : hooks,
    webhooks: activeWebhooks,
  };

  healthRoutes(app);
  settingsRoutes(app, settingsStore, authOptions);
  logsRoutes(app);
  cronRoutes(app, crons);
  backupRoutes(app, { collections: collectionStore, settings: settingsStore });
  openapiRoutes(app, collectionStore);
  docsRoutes(app);
  authRoutes(app, authOptions);
  passkeyRoutes(app, authOptions);
  sessionRoutes(app, authOptions);
  totpRoutes(app, authOptions);
  const schemaChanges = readCache && schemaGenerationSink(() => readCache.edge()?.generations);
  collectionRoutes(app, collectionStore, schemaChanges);
  if (realtime) {
    realtimeRoutes(app, { ...realtime, store: collectionStore });
    oauth2RedirectRoutes(app);
  }
  const recordOptions: RecordRouteOptions = {
    store: collectionStore,
    changes,
    hashPassword,
    verifyPassword: async (plain, stored) => (await verifyPassword(plain, stored)).ok,
    hooks: hooks.empty ? undefined : hooks,
    webhooks: activeWebhooks,
  };
  recordRoutes(app, recordOptions, readCache);
  batchRoutes(app, recordOptions);
  fileRoutes(app, { store: collectionStore });
  webhookRoutes(app);
  if (options.graphql !== false) {
    graphqlRoutes(app, {
      records: recordOptions,
      auth: authOptions,
      limits: resolveGraphqlLimits(options.graphql),
    });
  }

  addMethodNotAllowed(app);
  app.notFound(onNotFound);
  app.onError(onError);
  const scheduled: ExportedHandlerScheduledHandler<Cloudflare.Env> = async (controller, workerEnv, ctx) => {
    const now = new Date(controller.scheduledTime);
    await runDue(crons, { env: workerEnv, now, log, scheduled: true, waitUntil: (p) => ctx.waitUntil(p) });
    // Job failures were logged into the buffer: write them with this event, as a request's flush would.
    await logWriter.flush(workerEnv.LOGS);
  };
  const queue: ExportedHandlerQueueHandler<Cloudflare.Env> = async (batch, workerEnv) => {
    await consumeDeliveries(batch, workerEnv, collectionStore, log);
    await logWriter.flush(workerEnv.LOGS);
  };
  return Object.assign(app, { scheduled, queue, realtime: publisher });
}
