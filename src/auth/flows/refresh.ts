/** `auth-refresh`: PocketBase style (the current token renews itself) or Edgebase rotation (a refresh token). */
import { z } from "zod";
import type { AuthCollection } from "../../collections/collection";
import type { D1Like } from "../../db/sql";
import { unauthorized } from "../../lib/errors";
import { parseInput } from "../../lib/parse-input";
import type { ViewParams } from "../../records/query-params";
import { composeRefreshToken, parseRefreshToken, userSessionsStub } from "../session-routing";
import { keyFingerprint } from "../token-keys";
import type { TokenClaims } from "../tokens";
import { authHookInput } from "./auth-hooks";
import { type AuthRow, readAuthRow, renderOwnRecord } from "./auth-records";
import { type AuthFlowDeps, findAuthCollection } from "./deps";
import { type AuthResponse, assertAuthRule, signAccessToken } from "./issue";
import { accessTokenTtl, sessionLifetime } from "./session-lifetime";

/** The optional body of `auth-refresh`: `{refreshToken}` selects the rotation flow. */
export const refreshSchema = z.object({ refreshToken: z.string().max(200).optional() });

/** A stored auth row and the D1 session it was read through. */
export interface LoadedAuthRow {
  row: AuthRow;
  db: D1Like;
}

/** The verified access token the request came with, and its text (an impersonation refresh hands it back). */
export interface PresentedToken {
  claims: TokenClaims<"auth">;
  token: string;
  /** The row the token was verified against (the token middleware's read), when the caller has it. */
  loaded?: LoadedAuthRow;
}

/**
 * The token's record: the row it was verified against when that was read through `db` (auth-refresh's D1
 * session starts on the primary, as the flow's does: app.ts), else a read through `db`. Why only then: the
 * flow must see the primary's tokenKey and columns, which a replica's row may not have yet.
 */
async function presentedRow(
  db: D1Like,
  collection: AuthCollection,
  current: PresentedToken,
): Promise<AuthRow | undefined> {
  const loaded = current.loaded;
  if (loaded && loaded.db === db && loaded.row.id === current.claims.sub) return loaded.row;
  return readAuthRow(db, collection, current.claims.sub);
}

/** True for no body or `{}` (the PocketBase SDK's refresh): nothing for {@link refreshSchema} to check. */
function isEmptyBody(input: unknown): boolean {
  if (input === undefined || input === null) return true;
  if (typeof input !== "object" || Object.getPrototypeOf(input) !== Object.prototype) return false;
  return Object.keys(input).length === 0;
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
  const body = isEmptyBody(input) ? {} : parseInput(refreshSchema, input);
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
    await deps.authHooks?.beforeRefresh(authHookInput(collection, row, "refresh"));
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
  const row = await presentedRow(deps.db, collection, current);
  if (!row) throw unauthorized();
  // Impersonation (the authRule is not applied to it, as at impersonate): same token, fresh record.
  if (!claims.refreshable)
    return { token: current.token, record: await renderOwnRecord(deps, collection, row, params) };
  // The rule first: a record the authRule now refuses gets no longer session either.
  await assertAuthRule(deps, collection, row);
  await deps.authHooks?.beforeRefresh(authHookInput(collection, row, "refresh"));
  const keyId = await keyFingerprint(collection.tokenSecret, String(row.tokenKey));
  const stub = userSessionsStub(deps.sessions, collection.id, row.id);
  const extended = await stub.extend(claims.sid, client, keyId, sessionLifetime(collection));
  if (!extended.ok) throw unauthorized();
  const token = await signAccessToken(collection, row, claims.sid, {
    refreshable: true,
    ttlSeconds: accessTokenTtl(collection, extended.expiresAt),
  });
  return { token, record: await renderOwnRecord(deps, collection, row, params) };
}
