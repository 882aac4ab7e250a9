/** Storage layout and limits of the per-user UserSessions Durable Object (its own SQLite database). */

/** Default idle timeout (seconds): a session unused this long ends; every refresh or use slides it. */
export const SESSION_TTL_SECONDS = 30 * 24 * 3600;
/** Shortest and longest idle timeout a caller may ask for (seconds). */
export const SESSION_TTL_MIN_SECONDS = 60;
export const SESSION_TTL_MAX_SECONDS = 365 * 24 * 3600;
/** Default absolute cap (seconds from sign-in): no refresh extends a session beyond it. */
export const SESSION_MAX_LIFETIME_SECONDS = 365 * 24 * 3600;
/** Longest absolute cap a caller may ask for (seconds). */
export const SESSION_MAX_LIFETIME_LIMIT_SECONDS = 5 * 365 * 24 * 3600;
/** Active sessions kept per user; signing in beyond it revokes the least recently seen one. */
export const MAX_SESSIONS_PER_USER = 50;
/** Rotated refresh-token hashes remembered per session for reuse detection (older ones are just invalid). */
export const MAX_ROTATIONS_REMEMBERED = 100;
/** lastSeen is written at most this often per session (ms): checks are frequent, writes are not free. */
export const TOUCH_INTERVAL_MS = 60_000;
/** Revoked sessions stay (refusing their tokens with reason "revoked") this long before they are deleted (ms). */
export const REVOKED_RETENTION_MS = 24 * 3600 * 1000;
/** Longest ip and user agent strings stored (display data: longer values are cut, not refused). */
export const MAX_IP_LENGTH = 64;
export const MAX_USER_AGENT_LENGTH = 512;
/** Longest sign-in method and provider names stored. */
export const MAX_METHOD_LENGTH = 50;
/** Longest refresh token and session id the object will even hash or look up. */
export const MAX_OPAQUE_TOKEN_LENGTH = 128;
export const MAX_SESSION_ID_LENGTH = 64;

/** Idempotent DDL, run in the constructor (synchronous SQL, before any request is delivered). */
export const SESSION_SCHEMA = `
CREATE TABLE IF NOT EXISTS sessions (
  id TEXT PRIMARY KEY,
  created INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  ip TEXT NOT NULL,
  user_agent TEXT NOT NULL,
  refresh_hash TEXT NOT NULL UNIQUE,
  generation INTEGER NOT NULL,
  ttl_seconds INTEGER NOT NULL,
  expires INTEGER NOT NULL,
  revoked INTEGER,
  revoked_reason TEXT,
  key_id TEXT NOT NULL DEFAULT '',
  max_expires INTEGER NOT NULL DEFAULT 0,
  method TEXT NOT NULL DEFAULT '',
  provider TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS sessions_expires ON sessions (expires);
CREATE TABLE IF NOT EXISTS rotated_refresh (
  hash TEXT PRIMARY KEY,
  session_id TEXT NOT NULL,
  generation INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS rotated_refresh_session ON rotated_refresh (session_id, generation);
`;

/** Adds columns that objects created before them lack (each statement fails harmlessly once applied). */
export const SESSION_SCHEMA_UPGRADES = [
  "ALTER TABLE sessions ADD COLUMN key_id TEXT NOT NULL DEFAULT ''",
  "ALTER TABLE sessions ADD COLUMN max_expires INTEGER NOT NULL DEFAULT 0",
  "ALTER TABLE sessions ADD COLUMN method TEXT NOT NULL DEFAULT ''",
  "ALTER TABLE sessions ADD COLUMN provider TEXT NOT NULL DEFAULT ''",
];

/** Gives sessions made before the absolute cap existed the default one (bound: ? = the default in ms). */
export const SESSION_SCHEMA_BACKFILL = "UPDATE sessions SET max_expires = created + ? WHERE max_expires = 0";

/** One row of `sessions` as SQLite returns it. */
export interface SessionRow {
  id: string;
  created: number;
  last_seen: number;
  ip: string;
  user_agent: string;
  method: string;
  provider: string;
  refresh_hash: string;
  generation: number;
  ttl_seconds: number;
  expires: number;
  revoked: number | null;
  revoked_reason: string | null;
  /** The key fingerprint (auth/token-keys.ts) the session was created under; "" for sessions made before. */
  key_id: string;
  /** The absolute cap (ms): `expires` never passes it. */
  max_expires: number;
  [column: string]: SqlStorageValue;
}

/** Clamps a requested idle timeout into the allowed range (seconds). */
export function clampTtl(ttlSeconds: number | undefined): number {
  return clamp(ttlSeconds, SESSION_TTL_SECONDS, SESSION_TTL_MAX_SECONDS);
}

/** Clamps a requested absolute cap into the allowed range (seconds). */
export function clampMaxLifetime(seconds: number | undefined): number {
  return clamp(seconds, SESSION_MAX_LIFETIME_SECONDS, SESSION_MAX_LIFETIME_LIMIT_SECONDS);
}

function clamp(seconds: number | undefined, fallback: number, max: number): number {
  const value = Math.floor(seconds ?? fallback);
  if (!Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(SESSION_TTL_MIN_SECONDS, value));
}

/** When a session used at `now` expires: its idle timeout from now, never beyond its absolute cap (ms). */
export function slidingExpiry(now: number, ttlSeconds: number, maxExpires: number): number {
  return Math.min(now + ttlSeconds * 1000, maxExpires);
}

/** Cuts a client-supplied display string to `max` characters; non-strings become "". */
export function displayString(value: unknown, max: number): string {
  return typeof value === "string" ? value.slice(0, max) : "";
}
