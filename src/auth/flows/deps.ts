/** What the auth flows need (ports wired by http/ and app.ts), and the lookups every flow shares. */
import type { AuthCollection } from "../../collections/collection";
import type { CollectionStore } from "../../collections/store";
import type { D1Like } from "../../db/sql";
import { ApiError, notFound } from "../../lib/errors";
import type { Logger } from "../../observability/logger";
import type { RecordDeps } from "../../records/deps";
import type { ChangeSink } from "../../records/events";
import type { Outbox } from "../../records/outbox";
import type { WriteHooks } from "../../records/write-hooks";
import type { AuthRecord } from "../../rules/context";
import type { FileBucket } from "../../storage/bucket";
import type { Mailer } from "../mailer";
import type { RateLimiter } from "../rate-limiter";
import type { SessionChecker } from "../session-check";
import type { UserSessions } from "../user-sessions";
import type { AuthHooks } from "./auth-hooks";

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
  /** Null when mail is not configured (outside local dev without MAIL_API_URL): see {@link mailSetup}. */
  mailer: Mailer | null;
  log: Logger;
  client: ClientInfo;
  /** Base URL of the app, for links in emails; null when APP_URL is unset outside local dev. */
  appUrl: string | null;
  /** Shown in emails. */
  appName: string;
  /** The caller (null for guests). */
  auth: AuthRecord | null;
  /** Called after a user's sessions ended (realtime de-authorization). Failures are logged, never surfaced. */
  onSessionsEnded?: (ref: { collectionId: string; userId: string }) => Promise<unknown>;
  /**
   * The app's ChangeSink (realtime, read-cache bumps, session revocation): the flows' writes of `verified`,
   * `email`, `password` and `tokenKey` go through the records engine and reach it like any other write.
   */
  changes: ChangeSink;
  /**
   * The request's record hooks: the flows' system writes run the after-hooks (record.afterUpdate when a flow
   * verifies, changes the email or resets the password), never the before-hooks (README "Hooks").
   */
  recordHooks?: WriteHooks<RecordDeps>;
  /** Webhook deliveries of the flows' record writes, in the same batch (records/outbox.ts); none when absent. */
  outbox?: Outbox;
  /** The request's sign-in and refresh hooks (README "Hooks"). */
  authHooks?: AuthHooks;
  /** Where file fields' objects live (an OAuth2 sign-up's downloaded avatar); none when absent. */
  files?: FileBucket;
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
  const { collection } = await deps.store.find(deps.db, idOrName);
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

/**
 * The mailer and the links' base URL, or a 503 when either is missing. Called before any account lookup, so
 * the answer is the same whether the account exists; the log says what to configure.
 */
export function mailSetup(
  deps: Pick<AuthFlowDeps, "mailer" | "appUrl" | "log">,
  options: { links: boolean } = { links: true },
): { mailer: Mailer; appUrl: string } {
  const appUrl = deps.appUrl ?? (options.links ? null : "");
  if (deps.mailer && appUrl !== null) return { mailer: deps.mailer, appUrl };
  const missing = [deps.mailer ? "" : "MAIL_API_URL", appUrl !== null ? "" : "APP_URL"].filter(Boolean);
  deps.log.error("email is not configured: the request was refused", { missing });
  throw new ApiError(
    503,
    `Sending email is not configured on this server (missing ${missing.join(" and ")}).`,
  );
}
