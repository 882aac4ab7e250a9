/** `impersonate/{id}`: a superuser gets a non-renewable token of another auth record (support, debugging). */
import { z } from "zod";
import { SUPERUSERS } from "../../collections/names";
import { forbidden, notFound, unauthorized } from "../../lib/errors";
import { parseInput } from "../../lib/parse-input";
import type { ViewParams } from "../../records/query-params";
import { readAuthRow } from "./auth-records";
import { type AuthFlowDeps, findAuthCollection } from "./deps";
import { type AuthResponse, issueAuth } from "./issue";

const impersonateSchema = z.object({
  /** Token lifetime in seconds; 0 or absent: the collection's auth token duration. */
  duration: z
    .number()
    .int()
    .min(0)
    .max(365 * 86_400)
    .optional(),
});

/**
 * Issues `{token, record}` for record `id` of the collection. The token's session is a real one (listed,
 * revocable) but carries no refresh token and `refreshable: false`, so auth-refresh refuses it. The authRule
 * is not applied: superusers may act as any record.
 */
export async function impersonate(
  deps: AuthFlowDeps,
  collectionIdOrName: string,
  id: string,
  input: unknown,
  params: ViewParams,
): Promise<AuthResponse> {
  if (!deps.auth) throw unauthorized();
  if (deps.auth.collectionName !== SUPERUSERS) throw forbidden("Only superusers can perform this action.");
  const collection = await findAuthCollection(deps, collectionIdOrName);
  const { duration } = parseInput(impersonateSchema, input ?? {});
  const row = await readAuthRow(deps.db, collection, id);
  if (!row) throw notFound();
  return issueAuth(deps, collection, row, params, {
    refreshable: false,
    ttlSeconds: duration || collection.authToken.duration,
    skipAuthRule: true,
  });
}
