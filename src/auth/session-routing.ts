/** Finds a user's UserSessions object and packs the routing into refresh tokens so a refresh reaches it. */
import type { UserSessions } from "./user-sessions";

const PART = /^[A-Za-z0-9_]{1,64}$/;
const OPAQUE = /^[A-Za-z0-9_-]{43}$/;

/** The object name of one user's sessions: one object per (collection, user), never shared. */
export function userSessionsName(collectionId: string, userId: string): string {
  if (!PART.test(collectionId) || !PART.test(userId)) throw new RangeError("invalid collection or user id");
  return `${collectionId}/${userId}`;
}

/** The stub of one user's UserSessions object. */
export function userSessionsStub(
  namespace: DurableObjectNamespace<UserSessions>,
  collectionId: string,
  userId: string,
): DurableObjectStub<UserSessions> {
  return namespace.get(namespace.idFromName(userSessionsName(collectionId, userId)));
}

/** Where a refresh token's session lives, and the opaque part its object checks. */
export interface RefreshTokenParts {
  collectionId: string;
  userId: string;
  token: string;
}

/**
 * The refresh token handed to clients: `<collectionId>.<userId>.<opaque>`. The prefix only routes the request
 * to the right object (it is the holder's own identity); the 256-bit opaque part is what proves possession.
 */
export function composeRefreshToken({ collectionId, userId, token }: RefreshTokenParts): string {
  if (!PART.test(collectionId) || !PART.test(userId) || !OPAQUE.test(token)) {
    throw new RangeError("invalid refresh token parts");
  }
  return `${collectionId}.${userId}.${token}`;
}

/** Splits a client-supplied refresh token; returns null for anything malformed (bounded, never throws). */
export function parseRefreshToken(value: unknown): RefreshTokenParts | null {
  if (typeof value !== "string" || value.length > 200) return null;
  const [collectionId, userId, token, extra] = value.split(".");
  if (extra !== undefined || !collectionId || !userId || !token) return null;
  if (!PART.test(collectionId) || !PART.test(userId) || !OPAQUE.test(token)) return null;
  return { collectionId, userId, token };
}
