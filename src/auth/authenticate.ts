/** Presented token -> verified claims and record: the call the auth middleware and confirm-* endpoints make. */
import { generateTokenKey, generateTokenSecret } from "../lib/secrets";
import type { SessionChecker } from "./session-check";
import { TokenError } from "./token-error";
import { peekToken, type TokenClaims, type TokenType, verifyToken } from "./tokens";

/** What token resolution needs from the collections and records layers (the endpoints wire it). */
export interface TokenSubjectLoader<R> {
  /** The token secret of the auth collection with this id, or undefined when there is none. */
  secret(collectionId: string): Promise<string | undefined>;
  /** The record and its current tokenKey, or undefined when it does not exist (deleted user). */
  subject(collectionId: string, recordId: string): Promise<{ tokenKey: string; record: R } | undefined>;
}

let throwawayKeys: { secret: string; tokenKey: string } | undefined;

/**
 * Keys nobody holds (fresh per isolate): what a token naming an unknown subject is checked against. Made on
 * first use, because Workers refuse random values in global scope (the script would not start).
 */
function unknownSubjectKeys(): { secret: string; tokenKey: string } {
  throwawayKeys ??= { secret: generateTokenSecret(), tokenKey: generateTokenKey() };
  return throwawayKeys;
}

/** Options of {@link resolveToken}. */
export interface ResolveTokenOptions {
  /** The collection the route serves (confirm-* endpoints): a token of another collection is refused. */
  collectionId?: string;
  /** Verification time (tests). */
  now?: Date;
}

/** A verified token and the record it names. */
export interface ResolvedToken<T extends TokenType, R> {
  claims: TokenClaims<T>;
  record: R;
}

/**
 * Verifies a token of `type` against its collection's secret and its record's current tokenKey, and returns
 * the record. An unknown collection or deleted record fails exactly as a bad signature does.
 */
export async function resolveToken<T extends TokenType, R>(
  token: unknown,
  type: T,
  loader: TokenSubjectLoader<R>,
  options: ResolveTokenOptions = {},
): Promise<ResolvedToken<T, R>> {
  const peek = peekToken(token);
  // Refuse a wrong type or collection before any lookup: it costs the caller's storage nothing.
  if (peek.type !== type) throw new TokenError("type");
  if (options.collectionId !== undefined && peek.collectionId !== options.collectionId) {
    throw new TokenError("collection");
  }
  const secret = await loader.secret(peek.collectionId);
  const subject = secret === undefined ? undefined : await loader.subject(peek.collectionId, peek.sub);
  // Why verify even without a subject: the signature needs the record's tokenKey, so it cannot come first;
  // instead an unknown collection or record costs the same verification (under throwaway keys) and fails with
  // the same reason as a forged token of a real record. Otherwise the reason would tell which ids exist.
  const claims = await verifyToken(token, type, {
    secret: secret ?? unknownSubjectKeys().secret,
    tokenKey: subject?.tokenKey ?? unknownSubjectKeys().tokenKey,
    collectionId: peek.collectionId,
    now: options.now,
  });
  if (!subject) throw new TokenError("signature");
  return { claims, record: subject.record };
}

/**
 * Authenticates an access token: {@link resolveToken} for type "auth", then the session check (revocation
 * bound: see user-sessions.ts). A revoked or expired session fails with TokenError "session".
 */
export async function authenticateAccessToken<R>(
  token: unknown,
  loader: TokenSubjectLoader<R>,
  sessions: SessionChecker,
  options: ResolveTokenOptions = {},
): Promise<ResolvedToken<"auth", R>> {
  const resolved = await resolveToken(token, "auth", loader, options);
  const { collectionId, sub, sid } = resolved.claims;
  if (!(await sessions.isActive({ collectionId, userId: sub, sessionId: sid })))
    throw new TokenError("session");
  return resolved;
}
