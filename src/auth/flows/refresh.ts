/** `auth-refresh`: PocketBase style (the current token renews itself) or Edgebase rotation (a refresh token). */
import { z } from "zod";
import { unauthorized } from "../../lib/errors";
import { parseInput } from "../../lib/parse-input";
import type { ViewParams } from "../../records/query-params";
import { composeRefreshToken, parseRefreshToken, userSessionsStub } from "../session-routing";
import { keyFingerprint } from "../token-keys";
import type { TokenClaims } from "../tokens";
import { readAuthRow, renderOwnRecord } from "./auth-records";
import { type AuthFlowDeps, findAuthCollection } from "./deps";
import { type AuthResponse, assertAuthRule, signAccessToken } from "./issue";
import { accessTokenTtl, sessionLifetime } from "./session-lifetime";

/** The optional body of `auth-refresh`: `{refreshToken}` selects the rotation flow. */
export const refreshSchema = z.object({ refreshToken: z.string().max(200).optional() });

/** The verified access token the request came with, and its text (an impersonation refresh hands it back). */
export interface PresentedToken {
  claims: TokenClaims<"auth">;
  token: string;
}

/**
 * Renews authentication. With `refreshToken` in the body: the user's object rotates it (single use; a reused
 * one revokes the session) and the answer carries the next one. Without: the verified access token in the
 * header (`current`) renews its session (idle timeout slid, absolute cap kept) and gets a fresh token; an
 * impersonation token is not renewable and comes back unchanged with the record's fresh data (PocketBase
 * ≥ 0.29). Either way the session's idle timeout restarts, and the new token never outlives the session.
 * Every failure to prove a live session is the same 401.
 */
export async function authRefresh(
  deps: AuthFlowDeps,
  collectionIdOrName: string,
  input: unknown,
  params: ViewParams,
  current: PresentedToken | null,
): Promise<AuthResponse> {
  const collection = await findAuthCollection(deps, collectionIdOrName);
  const body = parseInput(refreshSchema, input ?? {});
  const client = { ip: deps.client.ip, userAgent: deps.client.userAgent };
  if (body.refreshToken !== undefined) {
    const parts = parseRefreshToken(body.refreshToken);
    if (!parts || parts.collectionId !== collection.id) throw unauthorized();
    const row = await readAuthRow(deps.db, collection, parts.userId);
    if (!row) throw unauthorized();
    const stub = userSessionsStub(deps.sessions, collection.id, row.id);
    const keyId = await keyFingerprint(collection.tokenSecret, String(row.tokenKey));
    const rotated = await stub.refresh(parts.token, client, keyId, sessionLifetime(collection));
    if (!rotated.ok) {
      if (rotated.reason === "reused")
        deps.log.warn("refresh token reuse: session revoked", { userId: row.id });
      throw unauthorized();
    }
    await assertAuthRule(deps, collection, row);
    const token = await signAccessToken(collection, row, rotated.sessionId, {
      refreshable: true,
      ttlSeconds: accessTokenTtl(collection, rotated.expiresAt),
    });
    return {
      token,
      record: await renderOwnRecord(deps, collection, row, params),
      refreshToken: composeRefreshToken({
        collectionId: collection.id,
        userId: row.id,
        token: rotated.refreshToken,
      }),
    };
  }
  const claims = current?.claims;
  if (!current || !claims || claims.collectionId !== collection.id) throw unauthorized();
  const row = await readAuthRow(deps.db, collection, claims.sub);
  if (!row) throw unauthorized();
  // Impersonation (the authRule is not applied to it, as at impersonate): same token, fresh record.
  if (!claims.refreshable)
    return { token: current.token, record: await renderOwnRecord(deps, collection, row, params) };
  const keyId = await keyFingerprint(collection.tokenSecret, String(row.tokenKey));
  const stub = userSessionsStub(deps.sessions, collection.id, row.id);
  const extended = await stub.extend(claims.sid, client, keyId, sessionLifetime(collection));
  if (!extended.ok) throw unauthorized();
  await assertAuthRule(deps, collection, row);
  const token = await signAccessToken(collection, row, claims.sid, {
    refreshable: true,
    ttlSeconds: accessTokenTtl(collection, extended.expiresAt),
  });
  return { token, record: await renderOwnRecord(deps, collection, row, params) };
}
