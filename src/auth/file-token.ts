/**
 * File tokens: short-lived (PocketBase's 3 minutes) tokens of type "file", signed like every token with the
 * collection's secret and the user's tokenKey; superusers get them too (protected files, backup downloads).
 */
import { type ResolvedToken, resolveToken, type TokenSubjectLoader } from "./authenticate";
import { TokenError } from "./token-error";
import { DEFAULT_TOKEN_TTL_SECONDS, signToken } from "./tokens";

/** Issues a file token for the record `{collectionId, id}`; its subject must still exist. */
export async function createFileToken<R>(
  auth: { collectionId: string; id: string },
  loader: TokenSubjectLoader<R>,
  ttlSeconds = DEFAULT_TOKEN_TTL_SECONDS.file,
): Promise<string> {
  const secret = await loader.secret(auth.collectionId);
  const subject = secret === undefined ? undefined : await loader.subject(auth.collectionId, auth.id);
  if (secret === undefined || !subject) throw new TokenError("signature");
  return signToken(
    "file",
    { sub: auth.id, collectionId: auth.collectionId },
    { secret, tokenKey: subject.tokenKey, ttlSeconds },
  );
}

/** Verifies a file token and returns its record; any failure throws TokenError. */
export function verifyFileToken<R>(
  token: unknown,
  loader: TokenSubjectLoader<R>,
): Promise<ResolvedToken<"file", R>> {
  return resolveToken(token, "file", loader);
}
