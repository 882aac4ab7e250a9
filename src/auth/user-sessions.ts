/**
 * The per-user session Durable Object (SQLite-backed): sessions, rotating refresh tokens with reuse detection,
 * revocation and cleanup. Lifetime: a session ends after its idle timeout (`ttl_seconds`, slid by every refresh,
 * extend and use) and at its absolute cap (`max_expires`, from sign-in), whichever comes first (`expires`).
 *
 * Revocation bound (the decision the endpoints follow): access tokens are HS256 JWTs carrying `sid`. After
 * verifying a token, the Worker asks this object `isActive(sid)` through a per-isolate cache
 * (auth/session-check.ts) that remembers a "yes" for at most SESSION_CHECK_CACHE_MS (5 s) and a "no" until the
 * token expires. So a revoked session's access tokens are refused within 5 s everywhere, and at once in the
 * isolate that performed the revocation (it drops its cache entry). Trade-off: one RPC to this object per user
 * per isolate per 5 s, instead of none (pure JWT, revocation bound = token lifetime, up to days) or one per
 * request (bound 0, an extra round trip on every authenticated request). Changing the user's tokenKey (password
 * change) additionally invalidates every token at once, independently of this object.
 */
import { DurableObject } from "cloudflare:workers";
import { randomToken, sha256Hex } from "../lib/bytes";
import { newId } from "../lib/ids";
import { formatTimestamp } from "../lib/time";
import {
  clampMaxLifetime,
  clampTtl,
  displayString,
  MAX_IP_LENGTH,
  MAX_METHOD_LENGTH,
  MAX_OPAQUE_TOKEN_LENGTH,
  MAX_ROTATIONS_REMEMBERED,
  MAX_SESSION_ID_LENGTH,
  MAX_SESSIONS_PER_USER,
  MAX_USER_AGENT_LENGTH,
  REVOKED_RETENTION_MS,
  SESSION_MAX_LIFETIME_SECONDS,
  SESSION_SCHEMA,
  SESSION_SCHEMA_BACKFILL,
  SESSION_SCHEMA_UPGRADES,
  type SessionRow,
  slidingExpiry,
  TOUCH_INTERVAL_MS,
} from "./session-schema";

/** Where a session was created or last used from (display data). */
export interface SessionClient {
  ip?: string;
  userAgent?: string;
}

/** How long a session lives (seconds); absent values take the defaults (30 days idle, 1 year absolute). */
export interface SessionLifetime {
  /** Idle timeout: the session ends this long after its last refresh or use (clamped to 60 s .. 365 days). */
  ttl?: number;
  /** Absolute cap, counted from sign-in: no refresh extends the session beyond it (60 s .. 5 years). */
  maxLifetime?: number;
}

/** Input of {@link UserSessions.createSession}. */
export interface CreateSessionInput extends SessionClient, SessionLifetime {
  /** The key fingerprint the session's tokens are signed under (auth/token-keys.ts `keyFingerprint`). */
  keyId?: string;
  /** How the user signed in (`password`, `otp`, `oauth2`, …; "" when not a sign-in, e.g. impersonation). */
  method?: string;
  /** The OAuth2 provider of an `oauth2` sign-in (e.g. `github`), else "". */
  provider?: string;
}

/** A new or rotated refresh token. Only its SHA-256 is stored; the token itself is shown once. */
export interface IssuedSession {
  sessionId: string;
  refreshToken: string;
  /** When the session expires unless refreshed (PocketBase timestamp). */
  expires: string;
  /** The same instant in ms since the epoch (access tokens never outlive it). */
  expiresAt: number;
}

/** Why a refresh was refused; "reused" means the whole session was revoked as a precaution. */
export type RefreshFailure = "invalid" | "reused" | "revoked" | "expired";

/** Outcome of {@link UserSessions.refresh}. */
export type RefreshResult = ({ ok: true } & IssuedSession) | { ok: false; reason: RefreshFailure };

/** Outcome of {@link UserSessions.extend}. */
export type ExtendResult =
  | { ok: true; expires: string; expiresAt: number }
  | { ok: false; reason: Exclude<RefreshFailure, "reused"> };

/** A session as the owner sees it in the list. */
export interface SessionInfo {
  id: string;
  created: string;
  lastSeen: string;
  expires: string;
  ip: string;
  userAgent: string;
  /** How the session was signed in to ("" for sessions older than this field, and impersonation). */
  method: string;
  /** The OAuth2 provider of an `oauth2` sign-in, else "". */
  provider: string;
}

/** One object per user (named by auth/session-routing.ts): holds that user's sessions. Never a global singleton. */
export class UserSessions extends DurableObject<Cloudflare.Env> {
  #sql: SqlStorage;
  /** The cleanup alarm this instance last armed or saw (ms), null when unknown (new instance, alarm fired). */
  #armed: number | null = null;

  constructor(ctx: DurableObjectState, env: Cloudflare.Env) {
    super(ctx, env);
    this.#sql = ctx.storage.sql;
    this.#sql.exec(SESSION_SCHEMA);
    for (const statement of SESSION_SCHEMA_UPGRADES) {
      try {
        this.#sql.exec(statement);
      } catch {
        // Already applied (duplicate column): the table is current.
      }
    }
    this.#sql.exec(SESSION_SCHEMA_BACKFILL, SESSION_MAX_LIFETIME_SECONDS * 1000);
  }

  /** Liveness probe used by tests and health checks: reports the object's id. */
  async ping(): Promise<{ ok: true; id: string }> {
    return { ok: true, id: this.ctx.id.toString() };
  }

  /** Starts a session and returns its id and first refresh token. */
  async createSession(input: CreateSessionInput = {}): Promise<IssuedSession> {
    const refreshToken = randomToken();
    const hash = await sha256Hex(refreshToken);
    const now = Date.now();
    const ttl = clampTtl(input.ttl);
    const maxExpires = now + clampMaxLifetime(input.maxLifetime) * 1000;
    const expires = slidingExpiry(now, ttl, maxExpires);
    const id = newId();
    this.#cleanup(now);
    this.#revokeBeyondLimit(now);
    this.#sql.exec(
      `INSERT INTO sessions (id, created, last_seen, ip, user_agent, refresh_hash, generation, ttl_seconds, expires,
         key_id, max_expires, method, provider) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?)`,
      id,
      now,
      now,
      displayString(input.ip, MAX_IP_LENGTH),
      displayString(input.userAgent, MAX_USER_AGENT_LENGTH),
      hash,
      ttl,
      expires,
      input.keyId ?? "",
      maxExpires,
      displayString(input.method, MAX_METHOD_LENGTH),
      displayString(input.provider, MAX_METHOD_LENGTH),
    );
    await this.#scheduleCleanup();
    return { sessionId: id, refreshToken, expires: formatTimestamp(new Date(expires)), expiresAt: expires };
  }

  /**
   * Rotates a refresh token: the presented one is spent and a new one returned. Presenting an already rotated
   * token revokes the whole session (someone else holds a copy) and fails with "reused". With `keyId`, a
   * session created under other keys (the user or the collection was re-keyed since) is revoked: "revoked".
   * The session's expiry slides to the idle timeout from now, never past its absolute cap; `lifetime` (the
   * collection's current settings) replaces the stored ones first, so a changed setting applies here.
   */
  async refresh(
    refreshToken: string,
    client: SessionClient = {},
    keyId?: string,
    lifetime?: SessionLifetime,
  ): Promise<RefreshResult> {
    if (typeof refreshToken !== "string" || refreshToken.length > MAX_OPAQUE_TOKEN_LENGTH) {
      return { ok: false, reason: "invalid" };
    }
    // Hash both tokens BEFORE reading: from the read to the write below there is no await, so two parallel
    // refreshes with one token cannot both pass the check (the object runs one synchronous block at a time).
    const hash = await sha256Hex(refreshToken);
    const next = randomToken();
    const nextHash = await sha256Hex(next);
    const now = Date.now();
    const session = this.#sql
      .exec<SessionRow>("SELECT * FROM sessions WHERE refresh_hash = ?", hash)
      .toArray()[0];
    if (!session) {
      const rotated = this.#sql
        .exec<{ session_id: string }>("SELECT session_id FROM rotated_refresh WHERE hash = ?", hash)
        .toArray()[0];
      if (!rotated) return { ok: false, reason: "invalid" };
      this.#revoke(rotated.session_id, "reuse", now);
      return { ok: false, reason: "reused" };
    }
    const refused = this.#refusal(session, keyId, now);
    if (refused) return { ok: false, reason: refused };
    const renewed = renewal(session, now, lifetime);
    if (!renewed) return { ok: false, reason: "expired" };
    const generation = session.generation + 1;
    this.#sql.exec(
      "INSERT INTO rotated_refresh (hash, session_id, generation) VALUES (?, ?, ?)",
      hash,
      session.id,
      session.generation,
    );
    this.#sql.exec(
      "DELETE FROM rotated_refresh WHERE session_id = ? AND generation <= ?",
      session.id,
      generation - 1 - MAX_ROTATIONS_REMEMBERED,
    );
    this.#sql.exec(
      "UPDATE sessions SET refresh_hash = ?, generation = ? WHERE id = ?",
      nextHash,
      generation,
      session.id,
    );
    this.#renew(session.id, now, renewed, client);
    await this.#rearmFor(renewed.expires);
    return {
      ok: true,
      sessionId: session.id,
      refreshToken: next,
      expires: formatTimestamp(new Date(renewed.expires)),
      expiresAt: renewed.expires,
    };
  }

  /**
   * PocketBase-style renewal (the access token renews itself, no refresh token): slides the session's expiry
   * as {@link refresh} does. Refused when the session is unknown ("invalid"), revoked, of other keys (then
   * revoked: "revoked") or past its idle timeout or absolute cap ("expired").
   */
  async extend(
    sessionId: string,
    client: SessionClient = {},
    keyId?: string,
    lifetime?: SessionLifetime,
  ): Promise<ExtendResult> {
    if (!validSessionId(sessionId)) return { ok: false, reason: "invalid" };
    const now = Date.now();
    const slid = this.#extendLive(sessionId, now, client, keyId, lifetime);
    if (slid !== null) {
      await this.#rearmFor(slid);
      return { ok: true, expires: formatTimestamp(new Date(slid)), expiresAt: slid };
    }
    // Refused: the checks below say why (and revoke a session of other keys), with the same outcomes as ever.
    const session = this.#sql.exec<SessionRow>("SELECT * FROM sessions WHERE id = ?", sessionId).toArray()[0];
    if (!session) return { ok: false, reason: "invalid" };
    const refused = this.#refusal(session, keyId, now);
    if (refused) return { ok: false, reason: refused };
    const renewed = renewal(session, now, lifetime);
    if (!renewed) return { ok: false, reason: "expired" };
    this.#renew(session.id, now, renewed, client);
    await this.#rearmFor(renewed.expires);
    return { ok: true, expires: formatTimestamp(new Date(renewed.expires)), expiresAt: renewed.expires };
  }

  /** The user's active sessions, most recently seen first; with `keyId`, sessions of older keys end first. */
  async listSessions(keyId?: string): Promise<SessionInfo[]> {
    if (keyId !== undefined) {
      this.#sql.exec(
        `UPDATE sessions SET revoked = ?, revoked_reason = 'rekey'
         WHERE revoked IS NULL AND key_id != ?`,
        Date.now(),
        keyId,
      );
    }
    const rows = this.#sql
      .exec<SessionRow>(
        "SELECT * FROM sessions WHERE revoked IS NULL AND expires > ? ORDER BY last_seen DESC, id",
        Date.now(),
      )
      .toArray();
    return rows.map((row) => ({
      id: row.id,
      created: formatTimestamp(new Date(row.created)),
      lastSeen: formatTimestamp(new Date(row.last_seen)),
      expires: formatTimestamp(new Date(row.expires)),
      ip: row.ip,
      userAgent: row.user_agent,
      method: row.method,
      provider: row.provider,
    }));
  }

  /** Revokes one session; returns true when it was active. */
  async revokeSession(sessionId: string): Promise<boolean> {
    if (!validSessionId(sessionId)) return false;
    return this.#revoke(sessionId, "revoked", Date.now()) > 0;
  }

  /** Revokes every active session, optionally keeping one (e.g. the caller's); returns how many were revoked. */
  async revokeAll(options: { except?: string } = {}): Promise<number> {
    const now = Date.now();
    return this.#sql.exec(
      `UPDATE sessions SET revoked = ?, revoked_reason = 'revokeAll'
       WHERE revoked IS NULL AND expires > ? AND id IS NOT ?`,
      now,
      now,
      options.except ?? null,
    ).rowsWritten;
  }

  /**
   * True when the session exists, is not revoked and has not expired: the access-token check. Records the use
   * in lastSeen (at most once per TOUCH_INTERVAL_MS).
   */
  async isActive(sessionId: string): Promise<boolean> {
    if (!validSessionId(sessionId)) return false;
    const now = Date.now();
    const row = this.#sql
      .exec<{ last_seen: number }>(
        "SELECT last_seen FROM sessions WHERE id = ? AND revoked IS NULL AND expires > ?",
        sessionId,
        now,
      )
      .toArray()[0];
    if (!row) return false;
    if (now - row.last_seen >= TOUCH_INTERVAL_MS) this.#touch(sessionId, now, {});
    return true;
  }

  /** Records a use of the session now (and where from, when given); returns false when it is not active. */
  async touch(sessionId: string, client: SessionClient = {}): Promise<boolean> {
    if (!validSessionId(sessionId)) return false;
    return this.#touch(sessionId, Date.now(), client) > 0;
  }

  /** Deletes expired sessions and long-revoked ones, then re-arms for the next. At-least-once safe. */
  override async alarm(): Promise<void> {
    this.#armed = null;
    this.#cleanup(Date.now());
    await this.#scheduleCleanup();
  }

  /** Why a session may not be renewed (revoked, or of other keys: then it is revoked now), or null. */
  #refusal(session: SessionRow, keyId: string | undefined, now: number): "revoked" | "expired" | null {
    if (session.revoked !== null) return "revoked";
    if (keyId !== undefined && session.key_id !== keyId) {
      this.#revoke(session.id, "rekey", now);
      return "revoked";
    }
    return session.expires <= now ? "expired" : null;
  }

  /**
   * The common case of {@link extend} in one statement: slides a live session of these keys (not revoked, not
   * expired, still under its cap under `lifetime`) exactly as {@link renewal} and {@link #renew} would, and
   * returns its new expiry; null when no row qualified, and then nothing was written. Why one statement: a
   * refresh is a hot path and the read before the write was half of the object's work. The WHERE clause is
   * {@link #refusal}'s and {@link renewal}'s conditions, so a refused session is never slid.
   */
  #extendLive(
    sessionId: string,
    now: number,
    client: SessionClient,
    keyId: string | undefined,
    lifetime: SessionLifetime | undefined,
  ): number | null {
    const ttl = lifetime?.ttl === undefined ? null : clampTtl(lifetime.ttl);
    const maxAfterCreated =
      lifetime?.maxLifetime === undefined ? null : clampMaxLifetime(lifetime.maxLifetime) * 1000;
    // ?1 now, ?2 ttl (s, null: stored), ?3 cap after creation (ms, null: stored), ?4 key id (null: any).
    // SQLite evaluates every SET expression against the old row, hence the repeated cap expression.
    const cap = "CASE WHEN ?3 IS NULL THEN max_expires ELSE created + ?3 END";
    const row = this.#sql
      .exec<{ expires: number }>(
        `UPDATE sessions SET last_seen = ?1, ttl_seconds = COALESCE(?2, ttl_seconds), max_expires = ${cap},
           expires = MIN(?1 + COALESCE(?2, ttl_seconds) * 1000, ${cap}),
           ip = CASE WHEN ?5 = '' THEN ip ELSE ?5 END, user_agent = CASE WHEN ?6 = '' THEN user_agent ELSE ?6 END
         WHERE id = ?7 AND revoked IS NULL AND (?4 IS NULL OR key_id = ?4) AND expires > ?1 AND ${cap} > ?1
         RETURNING expires`,
        now,
        ttl,
        maxAfterCreated,
        keyId ?? null,
        displayString(client.ip, MAX_IP_LENGTH),
        displayString(client.userAgent, MAX_USER_AGENT_LENGTH),
        sessionId,
      )
      .toArray()[0];
    return row ? row.expires : null;
  }

  #renew(sessionId: string, now: number, renewed: Renewal, client: SessionClient): void {
    this.#sql.exec(
      `UPDATE sessions SET last_seen = ?, expires = ?, ttl_seconds = ?, max_expires = ?,
         ip = CASE WHEN ? = '' THEN ip ELSE ? END, user_agent = CASE WHEN ? = '' THEN user_agent ELSE ? END
       WHERE id = ?`,
      now,
      renewed.expires,
      renewed.ttl,
      renewed.maxExpires,
      ...twice(displayString(client.ip, MAX_IP_LENGTH)),
      ...twice(displayString(client.userAgent, MAX_USER_AGENT_LENGTH)),
      sessionId,
    );
  }

  // A use slides the idle timeout too (at most once per TOUCH_INTERVAL_MS), never past the absolute cap.
  #touch(sessionId: string, now: number, client: SessionClient): number {
    return this.#sql.exec(
      `UPDATE sessions SET last_seen = ?, expires = MIN(? + ttl_seconds * 1000, max_expires),
         ip = CASE WHEN ? = '' THEN ip ELSE ? END, user_agent = CASE WHEN ? = '' THEN user_agent ELSE ? END
       WHERE id = ? AND revoked IS NULL AND expires > ?`,
      now,
      now,
      ...twice(displayString(client.ip, MAX_IP_LENGTH)),
      ...twice(displayString(client.userAgent, MAX_USER_AGENT_LENGTH)),
      sessionId,
      now,
    ).rowsWritten;
  }

  #revoke(sessionId: string, reason: string, now: number): number {
    return this.#sql.exec(
      "UPDATE sessions SET revoked = ?, revoked_reason = ? WHERE id = ? AND revoked IS NULL AND expires > ?",
      now,
      reason,
      sessionId,
      now,
    ).rowsWritten;
  }

  #revokeBeyondLimit(now: number): void {
    this.#sql.exec(
      `UPDATE sessions SET revoked = ?, revoked_reason = 'limit' WHERE id IN (
         SELECT id FROM sessions WHERE revoked IS NULL AND expires > ?
         ORDER BY last_seen DESC, created DESC LIMIT -1 OFFSET ?)`,
      now,
      now,
      MAX_SESSIONS_PER_USER - 1,
    );
  }

  #cleanup(now: number): void {
    const dead = "expires <= ? OR (revoked IS NOT NULL AND revoked <= ?)";
    const cutoff = now - REVOKED_RETENTION_MS;
    this.#sql.exec(
      `DELETE FROM rotated_refresh WHERE session_id IN (SELECT id FROM sessions WHERE ${dead})`,
      now,
      cutoff,
    );
    this.#sql.exec(`DELETE FROM sessions WHERE ${dead}`, now, cutoff);
  }

  async #scheduleCleanup(): Promise<void> {
    const next = this.#sql
      .exec<{ next: number | null }>(
        `SELECT MIN(CASE WHEN revoked IS NULL THEN expires ELSE MIN(expires, revoked + ?) END) AS next FROM sessions`,
        REVOKED_RETENTION_MS,
      )
      .one().next;
    if (next === null) {
      this.#armed = null;
      return;
    }
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > next) await this.ctx.storage.setAlarm(next);
    this.#armed = current === null || current > next ? next : current;
  }

  /**
   * Re-arms the cleanup alarm after a session's expiry moved to `expires`, unless an alarm this instance knows of
   * already fires by then. Why: a renewal slides the expiry later, so the armed alarm stays early enough, and the
   * hot refresh path skips the MIN scan and the alarm read. Cleanup only deletes rows; refusals never wait for it.
   */
  async #rearmFor(expires: number): Promise<void> {
    // A known alarm already due may be the one firing now (then it is gone): read the storage again.
    if (this.#armed !== null && this.#armed > Date.now() && this.#armed <= expires) return;
    await this.#scheduleCleanup();
  }
}

/** A session's next lifetime values: idle timeout (s), absolute cap and expiry (ms). */
interface Renewal {
  ttl: number;
  maxExpires: number;
  expires: number;
}

/** The renewal of `session` at `now` under `lifetime` (else its stored values); null once past its cap. */
function renewal(session: SessionRow, now: number, lifetime: SessionLifetime | undefined): Renewal | null {
  const ttl = lifetime?.ttl === undefined ? session.ttl_seconds : clampTtl(lifetime.ttl);
  const maxExpires =
    lifetime?.maxLifetime === undefined
      ? session.max_expires
      : session.created + clampMaxLifetime(lifetime.maxLifetime) * 1000;
  if (maxExpires <= now) return null;
  return { ttl, maxExpires, expires: slidingExpiry(now, ttl, maxExpires) };
}

function validSessionId(sessionId: unknown): sessionId is string {
  return typeof sessionId === "string" && sessionId.length > 0 && sessionId.length <= MAX_SESSION_ID_LENGTH;
}

function twice<T>(value: T): [T, T] {
  return [value, value];
}
