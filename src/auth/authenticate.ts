/** Presented token -> verified claims and record: the call the auth middleware and confirm-* endpoints make. */
import { generateTokenKey, generateTokenSecret } from "../lib/secrets";
import type { SessionChecker } from "./session-check";
import { TokenError } from "./token-error";
import { peekToken, type TokenClaims, type TokenType, verifyToken } from "./tokens";
import type { VerifiedTokens } from "./verified-tokens";

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
  const { resolved } = await resolveKeyed(token, type, loader, options);
  return resolved;
}

/** {@link resolveToken}, also naming the secret and tokenKey the token verified under. */
async function resolveKeyed<T extends TokenType, R>(
  token: unknown,
  type: T,
  loader: TokenSubjectLoader<R>,
  options: ResolveTokenOptions,
): Promise<{ resolved: ResolvedToken<T, R>; secret: string; tokenKey: string }> {
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
  if (!subject || secret === undefined) throw new TokenError("signature");
  return { resolved: { claims, record: subject.record }, secret, tokenKey: subject.tokenKey };
}

/** Options of {@link authenticateAccessToken}. */
export interface AuthenticateOptions extends ResolveTokenOptions {
  /** The isolate's memo of verified tokens: a repeat skips the JWT parse and signature check (never the rest). */
  verified?: VerifiedTokens;
}

/**
 * Authenticates an access token: {@link resolveToken} for type "auth", then the session check (revocation
 * bound: see user-sessions.ts). A revoked or expired session fails with TokenError "session".
 */
export async function authenticateAccessToken<R>(
  token: unknown,
  loader: TokenSubjectLoader<R>,
  sessions: SessionChecker,
  options: AuthenticateOptions = {},
): Promise<ResolvedToken<"auth", R>> {
  const resolved = await resolveAccessToken(token, loader, options);
  const { collectionId, sub, sid } = resolved.claims;
  if (!(await sessions.isActive({ collectionId, userId: sub, sessionId: sid })))
    throw new TokenError("session");
  return resolved;
}

/**
 * An access token and its record: from the memo when this exact token verified before and its collection secret
 * and record's tokenKey (both re-read now, as a full verification would) are unchanged; else fully verified.
 */
async function resolveAccessToken<R>(
  token: unknown,
  loader: TokenSubjectLoader<R>,
  options: AuthenticateOptions,
): Promise<ResolvedToken<"auth", R>> {
  const { verified } = options;
  if (verified === undefined || typeof token !== "string")
    return resolveToken(token, "auth", loader, options);
  const nowSeconds = Math.floor((options.now?.getTime() ?? Date.now()) / 1000);
  const hit = verified.get(token, nowSeconds);
  if (hit && (options.collectionId === undefined || hit.claims.collectionId === options.collectionId)) {
    const { collectionId, sub } = hit.claims;
    if ((await loader.secret(collectionId)) === hit.secret) {
      const subject = await loader.subject(collectionId, sub);
      if (subject?.tokenKey === hit.tokenKey) return { claims: hit.claims, record: subject.record };
    }
  }
  // A miss, or keys that changed since: the full path, which refuses with exactly the reason it always gives.
  const { resolved, secret, tokenKey } = await resolveKeyed(token, "auth", loader, options);
  verified.set(token, { claims: resolved.claims, secret, tokenKey });
  return resolved;
}
