/** D1 read-replication sessions: open one from a client's bookmark, validate bookmarks, keep the newest. */
import { type Db, lazyDb } from "./client";

/**
 * Where a session's first query may go. "unconstrained" lets a nearby replica answer (after the client's
 * bookmark, if any); "primary" sends it to the primary, for checks that must see the latest state
 * (uniqueness, auth). Later queries of a session stay on instances at least as new as its bookmark.
 */
export type SessionMode = "unconstrained" | "primary";

/** Longest bookmark accepted from a client; real ones are ~60 characters. */
export const MAX_BOOKMARK_LENGTH = 128;

// D1 bookmarks are dash-separated hex groups (e.g. `00000085-0000024c-00004c6d-8e61117b…`). The shape is
// checked loosely (hex groups, bounded length) so a future format still passes, while junk, constraint
// names ("first-primary") and header injection are ignored instead of reaching D1 and failing the request.
const BOOKMARK_SHAPE = /^[0-9a-f]{1,64}(?:-[0-9a-f]{1,64}){1,7}$/i;

/** Returns the bookmark if it has a D1 bookmark's shape, else null (a malformed bookmark is ignored). */
export function parseBookmark(raw: string | null | undefined): D1SessionBookmark | null {
  if (!raw || raw.length > MAX_BOOKMARK_LENGTH) return null;
  return BOOKMARK_SHAPE.test(raw) ? raw : null;
}

/**
 * Opens a D1 session. "primary" always starts on the primary (which is newer than any bookmark);
 * "unconstrained" starts after `bookmark` when it is valid, else anywhere. Works unchanged when read
 * replication is off: every query then goes to the primary.
 */
export function openSession(
  d1: D1Database,
  bookmark: string | null,
  mode: SessionMode = "unconstrained",
): D1DatabaseSession {
  if (mode === "primary") return d1.withSession("first-primary");
  return d1.withSession(parseBookmark(bookmark) ?? "first-unconstrained");
}

/** The session's latest bookmark, or null when it has run no query yet. */
export function sessionBookmark(session: D1DatabaseSession): D1SessionBookmark | null {
  return session.getBookmark();
}

/** The newest of the given bookmarks (D1 bookmarks sort lexicographically, oldest first), or null. */
export function newestBookmark(...bookmarks: (string | null | undefined)[]): D1SessionBookmark | null {
  let newest: string | null = null;
  for (const b of bookmarks) {
    if (b && (newest === null || b > newest)) newest = b;
  }
  return newest;
}

/** A D1 session with its drizzle client. */
export interface SessionDb {
  /** The raw D1 session (for statements drizzle does not build, e.g. user collections' tables). */
  d1: D1DatabaseSession;
  /** drizzle over the session, typed with the system schema (built on first use). */
  db: Db;
}

/**
 * The binding itself in a session's shape, for databases without read replication: every query goes to the
 * primary anyway, and the Sessions API's bookkeeping costs each query CPU for nothing (BENCHMARKS.md). It has no
 * bookmark of its own.
 */
export function directSession(d1: D1Database): D1DatabaseSession {
  return {
    prepare: (query: string) => d1.prepare(query),
    batch: <T = unknown>(statements: D1PreparedStatement[]) => d1.batch<T>(statements),
    getBookmark: () => null,
  };
}

/**
 * The D1 sessions of one request: a default session started from the client's bookmark, plus a
 * "first-primary" session opened only when a caller asks for it. `bookmark()` is the newest position
 * any of them (or the client) reached, so the client reads its own writes whichever session made them.
 * Without read replication (`replicated` false) both are the binding itself ({@link directSession}), and the
 * bookmark is the client's own.
 */
export class RequestSessions implements SessionDb {
  readonly d1: D1DatabaseSession;
  readonly db: Db;
  readonly #binding: D1Database;
  readonly #incoming: D1SessionBookmark | null;
  #primary: SessionDb | undefined;

  /**
   * Starts the default session after `bookmark` (ignored when malformed) or unconstrained; with `mode`
   * "primary", on the primary, and then it is also the request's {@link primary} session.
   */
  constructor(
    d1: D1Database,
    bookmark: string | null,
    mode: SessionMode = "unconstrained",
    replicated = true,
  ) {
    this.#binding = d1;
    this.#incoming = parseBookmark(bookmark);
    this.d1 = replicated ? openSession(d1, this.#incoming, mode) : directSession(d1);
    this.db = lazyDb(this.d1);
    // Without replication the binding is the primary: one session serves both.
    if (mode === "primary" || !replicated) this.#primary = { d1: this.d1, db: this.db };
  }

  /**
   * A session whose first query goes to the primary; opened once per request, on first use, unless the
   * default session was opened on the primary (then it is that one). Otherwise it is a separate session: read
   * what you wrote through it from it, not from the default one.
   */
  primary(): SessionDb {
    if (!this.#primary) {
      const d1 = openSession(this.#binding, null, "primary");
      this.#primary = { d1, db: lazyDb(d1) };
    }
    return this.#primary;
  }

  /** The newest bookmark reached by this request's sessions, else the client's own, else null. */
  bookmark(): D1SessionBookmark | null {
    const primary = this.#primary ? sessionBookmark(this.#primary.d1) : null;
    return newestBookmark(this.#incoming, sessionBookmark(this.d1), primary);
  }
}
