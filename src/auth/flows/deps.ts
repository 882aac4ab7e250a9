/** What the auth flows need (ports wired by http/ and app.ts), and the lookups every flow shares. */
import type { AuthCollection } from "../../collections/collection";
import type { CollectionStore, D1Like } from "../../collections/store";
import { notFound } from "../../lib/errors";
import type { Logger } from "../../observability/logger";
import type { ChangeSink } from "../../records/events";
import type { AuthRecord } from "../../rules/context";
import type { Mailer } from "../mailer";
import type { RateLimiter } from "../rate-limiter";
import type { SessionChecker } from "../session-check";
import type { UserSessions } from "../user-sessions";

/** Where a request comes from: rate-limit keys and the session's display data. */
export interface ClientInfo {
  ip: string;
  userAgent: string;
}

/** Dependencies of every auth flow. */
export interface AuthFlowDeps {
  /** A D1 session that sees the latest writes (the primary): sign-in must not read a stale password. */
  db: D1Like;
  store: CollectionStore;
  sessions: DurableObjectNamespace<UserSessions>;
  /** The isolate's session checker (revocations drop its cache at once). */
  checker: SessionChecker;
  limiter: DurableObjectNamespace<RateLimiter>;
  mailer: Mailer;
  log: Logger;
  client: ClientInfo;
  /** Base URL of the app, for links in emails. */
  appUrl: string;
  /** Shown in emails. */
  appName: string;
  /** The caller (null for guests). */
  auth: AuthRecord | null;
  /** Called after a user's sessions ended (realtime de-authorization). Failures are logged, never surfaced. */
  onSessionsEnded?: (userId: string) => Promise<unknown>;
  /**
   * The app's ChangeSink (realtime, read-cache bumps, session revocation): the flows' writes of `verified`,
   * `email`, `password` and `tokenKey` go through the records engine and reach it like any other write.
   */
  changes: ChangeSink;
  /** Runs a promise after the response (mail sending), when the platform offers it. */
  defer?: (promise: Promise<unknown>) => void;
  /** Keeps a promise alive after the response (change delivery): the request's `waitUntil`, when there is one. */
  waitUntil?: (promise: Promise<unknown>) => void;
}

/** Finds an auth collection by id or name (404 for missing or non-auth collections, as PocketBase does). */
export async function findAuthCollection(
  deps: Pick<AuthFlowDeps, "db" | "store">,
  idOrName: string,
): Promise<AuthCollection> {
  let snapshot = await deps.store.snapshot(deps.db);
  let collection = snapshot.find(idOrName);
  if (!collection) {
    snapshot = await deps.store.load(deps.db);
    collection = snapshot.find(idOrName);
  }
  if (collection?.type !== "auth") throw notFound("Missing or invalid auth collection context.");
  return collection;
}

/** Runs `work` after the response when possible, else awaits it; failures are logged only. */
export async function runLater(
  deps: AuthFlowDeps,
  what: string,
  work: () => Promise<unknown>,
): Promise<void> {
  const guarded = work().catch((error: unknown) => {
    deps.log.warn(`${what} failed`, { error: error instanceof Error ? error.message : String(error) });
  });
  if (deps.defer) deps.defer(guarded);
  else await guarded;
}
