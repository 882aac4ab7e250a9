/**
 * File tokens: short-lived tokens of their own type ("file") for protected files (`?token=`) and backup downloads.
 * Signed like every token with the auth collection's secret and the record's tokenKey; they expire after the
 * collection's `fileToken.duration` (180 s by default, as PocketBase) and can never pass as an access token.
 */
import type { AuthCollection } from "../collections/collection";
import {
  type ResolvedToken,
  type ResolveTokenOptions,
  resolveToken,
  type TokenSubjectLoader,
} from "./authenticate";
import { signToken } from "./tokens";

/** Signs a file token for the auth record `row` (its id and current tokenKey) of `collection`. */
export function createFileToken(
  collection: AuthCollection,
  row: { id: string; tokenKey: unknown },
  options: { now?: Date } = {},
): Promise<string> {
  return signToken(
    "file",
    { sub: row.id, collectionId: collection.id },
    {
      secret: collection.tokenSecret,
      tokenKey: String(row.tokenKey),
      ttlSeconds: collection.fileToken.duration,
      now: options.now,
    },
  );
}

/**
 * Verifies a file token and returns the auth record it names (loaded through `loader`, e.g. subjectLoader of
 * auth/flows/auth-records.ts). Any failure, an access token presented instead included, throws TokenError.
 */
export function verifyFileToken<R>(
  token: unknown,
  loader: TokenSubjectLoader<R>,
  options: ResolveTokenOptions = {},
): Promise<ResolvedToken<"file", R>> {
  return resolveToken(token, "file", loader, options);
}
