/** `auth-refresh`: PocketBase style (the current token renews itself) or Edgebase rotation (a refresh token). */
import { z } from "zod";
import { forbidden, unauthorized } from "../../lib/errors";
import { parseInput } from "../../lib/parse-input";
import type { ViewParams } from "../../records/query-params";
import { composeRefreshToken, parseRefreshToken, userSessionsStub } from "../session-routing";
import { keyFingerprint } from "../token-keys";
import type { TokenClaims } from "../tokens";
import { authHookInput } from "./auth-hooks";
import { readAuthRow, renderOwnRecord } from "./auth-records";
import { type AuthFlowDeps, findAuthCollection } from "./deps";
import { type AuthResponse, assertAuthRule, signAccessToken } from "./issue";

/** The optional body of `auth-refresh`: `{refreshToken}` selects the rotation flow. */
export const refreshSchema = z.object({ refreshToken: z.string().max(200).optional() });

/**
 * Renews authentication. With `refreshToken` in the body: the user's object rotates it (single use; a reused
 * one revokes the session) and the answer carries the next one. Without: the verified access token in the
 * header (`current`) gets a fresh token for the same session; impersonation tokens are not renewable (403).
 * Every failure to prove a live session is the same 401.
 */
export async function authRefresh(
  deps: AuthFlowDeps,
  collectionIdOrName: string,
  input: unknown,
  params: ViewParams,
  current: TokenClaims<"auth"> | null,
): Promise<AuthResponse> {
  const collection = await findAuthCollection(deps, collectionIdOrName);
  const body = parseInput(refreshSchema, input ?? {});
  if (body.refreshToken !== undefined) {
    const parts = parseRefreshToken(body.refreshToken);
    if (!parts || parts.collectionId !== collection.id) throw unauthorized();
    const row = await readAuthRow(deps.db, collection, parts.userId);
    if (!row) throw unauthorized();
    const stub = userSessionsStub(deps.sessions, collection.id, row.id);
    const keyId = await keyFingerprint(collection.tokenSecret, String(row.tokenKey));
    const client = { ip: deps.client.ip, userAgent: deps.client.userAgent };
    const rotated = await stub.refresh(parts.token, client, keyId);
    if (!rotated.ok) {
      if (rotated.reason === "reused")
        deps.log.warn("refresh token reuse: session revoked", { userId: row.id });
      throw unauthorized();
    }
    await assertAuthRule(deps, collection, row);
    await deps.authHooks?.beforeRefresh(authHookInput(collection, row, "refresh"));
    const token = await signAccessToken(collection, row, rotated.sessionId, { refreshable: true });
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
  if (!current || current.collectionId !== collection.id) throw unauthorized();
  if (!current.refreshable) throw forbidden("Impersonation tokens cannot be refreshed.");
  const row = await readAuthRow(deps.db, collection, current.sub);
  if (!row) throw unauthorized();
  await assertAuthRule(deps, collection, row);
  await deps.authHooks?.beforeRefresh(authHookInput(collection, row, "refresh"));
  const token = await signAccessToken(collection, row, current.sid, { refreshable: true });
  return { token, record: await renderOwnRecord(deps, collection, row, params) };
}
