/**
 * `auth-with-oauth2`: exchanges a provider's code, then signs in the linked record, links a verified account
 * with the same verified email, or creates a record (createData plus mappedFields). The new record and its
 * link are one D1 batch, so a failure creates nothing. Sign-in ends in completeSignIn, so MFA applies.
 */
import { z } from "zod";
import type { AuthCollection } from "../../collections/collection";
import type { OAuth2Provider } from "../../collections/oauth2-options";
import { quoteIdent } from "../../db/sql";
import { randomToken } from "../../lib/bytes";
import { badRequest, forbidden } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { parseInput } from "../../lib/parse-input";
import { formatTimestamp } from "../../lib/time";
import { planCreate } from "../../records/create";
import { findCollection } from "../../records/deps";
import { EXTERNAL_AUTHS } from "../../records/external-auths";
import { runPlan } from "../../records/plan";
import type { ViewParams } from "../../records/query-params";
import { guestContext } from "../../rules/context";
import { type AuthRow, findByEmail, readAuthRow } from "../flows/auth-records";
import { completeSignIn } from "../flows/complete-sign-in";
import { type AuthFlowDeps, findAuthCollection } from "../flows/deps";
import type { AuthResponse } from "../flows/issue";
import { throttleIp } from "../flows/throttle";
import { mfaIdShape } from "../mfa";
import { hashPassword } from "../password";
import { AUTH_RATE_LIMITS } from "../rate-limit";
import { downloadAvatar } from "./avatar";
import { type OAuth2User, providerUser } from "./provider-user";
import { providerSpec } from "./providers";

/** The body of `auth-with-oauth2` (PocketBase's names). */
export const oauth2SignInSchema = z.object({
  provider: z.string().min(1).max(50),
  code: z.string().min(1).max(4096),
  codeVerifier: z.string().max(256).default(""),
  redirectURL: z.string().min(1).max(2000).url(),
  createData: z
    .record(z.string().max(100), z.unknown())
    .refine((v) => JSON.stringify(v).length <= 64 * 1024, "Too large.")
    .optional(),
  ...mfaIdShape,
});

/** Whether `config` uses PKCE (its own setting, else the provider's default). */
export function usesPkce(config: OAuth2Provider): boolean {
  return config.pkce ?? providerSpec(config.name)?.pkce ?? true;
}

/** Signs in with an OAuth2 provider's authorization code. */
export async function authWithOAuth2(
  deps: AuthFlowDeps,
  collectionIdOrName: string,
  input: unknown,
  params: ViewParams,
): Promise<AuthResponse> {
  const collection = await findAuthCollection(deps, collectionIdOrName);
  if (!collection.oauth2.enabled) {
    throw forbidden("The collection is not configured to allow OAuth2 authentication.");
  }
  const body = parseInput(oauth2SignInSchema, input ?? {});
  // Before the exchange: each attempt costs a request to the provider. There is no account to key on yet, and
  // after it none is needed (a valid code is the provider's proof, not a guess).
  await throttleIp(deps, "oauth2", AUTH_RATE_LIMITS.signInPerIp);
  const config = collection.oauth2.providers.find((p) => p.name === body.provider);
  if (!config) {
    throw badRequest("Failed to validate the submitted data.", {
      provider: { code: "validation_invalid_provider", message: "Missing or invalid OAuth2 provider." },
    });
  }
  const user = await providerUser(config, {
    code: body.code,
    codeVerifier: usesPkce(config) ? body.codeVerifier : null,
    redirectURL: body.redirectURL,
  });
  const { row, isNew } = await resolveRecord(deps, collection, config.name, user, body.createData ?? {});
  const meta = {
    id: user.id,
    name: user.name,
    username: user.username,
    email: user.email,
    avatarURL: user.avatarURL,
    accessToken: user.accessToken,
    refreshToken: user.refreshToken,
    expiry: user.expiry,
    isNew,
    rawUser: user.rawUser,
  };
  return completeSignIn(deps, collection, row, params, {
    method: "oauth2",
    provider: config.name,
    meta,
    mfaId: body.mfaId,
  });
}

async function resolveRecord(
  deps: AuthFlowDeps,
  collection: AuthCollection,
  provider: string,
  user: OAuth2User,
  createData: Record<string, unknown>,
): Promise<{ row: AuthRow; isNew: boolean }> {
  const table = quoteIdent(EXTERNAL_AUTHS);
  const link = await deps.db
    .prepare(`SELECT recordRef FROM ${table} WHERE collectionRef = ? AND provider = ? AND providerId = ?`)
    .bind(collection.id, provider, user.id)
    .first<{ recordRef: string }>();
  if (link) {
    const row = await readAuthRow(deps.db, collection, link.recordRef);
    if (row) return { row, isNew: false };
  }
  if (user.email) {
    const existing = await findByEmail(deps.db, collection, user.email);
    if (existing) {
      // Pre-hijacking: whoever registered this unverified account may not own the address; never take it over.
      if (!existing.verified) {
        throw badRequest(
          "An unverified account with this email already exists: verify it or sign in to it first, then link the provider.",
        );
      }
      await deps.db
        .prepare(
          `INSERT INTO ${table} (id, collectionRef, recordRef, provider, providerId, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .bind(newId(), collection.id, existing.id, provider, user.id, formatTimestamp(), formatTimestamp())
        .run()
        .catch((error: unknown) => {
          throw badRequest("The account is already linked to another identity of this provider.", {}, error);
        });
      return { row: existing, isNew: false };
    }
  }
  return { row: await createLinkedRecord(deps, collection, provider, user, createData), isNew: true };
}

/**
 * The create body: createData first, then the mapped provider fields it leaves unset. An avatar mapped to a
 * file field is downloaded into it (when that fails the field stays empty); to a text field, it is the URL.
 */
async function createBody(
  collection: AuthCollection,
  user: OAuth2User,
  createData: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const body: Record<string, unknown> = { ...createData };
  const mapped = collection.oauth2.mappedFields;
  const values: [string, string][] = [
    [mapped.id, user.id],
    [mapped.name, user.name],
    [mapped.username, user.username],
    [mapped.avatarURL, user.avatarURL],
  ];
  for (const [name, value] of values) {
    if (!name || !value || body[name] !== undefined) continue;
    const field = collection.fields.find((f) => f.name === name);
    if (field?.type !== "file") body[name] = value;
    else if (name === mapped.avatarURL) {
      const avatar = await downloadAvatar(value, field);
      if (avatar) body[name] = avatar;
    }
  }
  if (user.email) body.email = user.email;
  return body;
}

async function createLinkedRecord(
  deps: AuthFlowDeps,
  collection: AuthCollection,
  provider: string,
  user: OAuth2User,
  createData: Record<string, unknown>,
): Promise<AuthRow> {
  const id = newId();
  // The records engine requires a password on create: a random one, cleared in the same batch, so the
  // account has no password (it signs in through the provider until one is set).
  const password = randomToken(24);
  const body = {
    ...(await createBody(collection, user, createData)),
    id,
    password,
    passwordConfirm: password,
  };
  const ctx = guestContext({ method: "POST", body, context: "oauth2" });
  const recordDeps = {
    db: deps.db,
    store: deps.store,
    ctx,
    changes: deps.changes,
    hashPassword,
    files: deps.files,
    defer: deps.waitUntil,
  };
  const ref = await findCollection(recordDeps, collection.id);
  const plan = await planCreate(recordDeps, ref, body, { expand: [], fields: null });
  const now = formatTimestamp();
  plan.statements.push(
    deps.db
      .prepare(`UPDATE ${quoteIdent(collection.name)} SET password = '', verified = ? WHERE id = ?`)
      .bind(user.email ? 1 : 0, id),
    deps.db
      .prepare(
        `INSERT INTO ${quoteIdent(EXTERNAL_AUTHS)} (id, collectionRef, recordRef, provider, providerId, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .bind(newId(), collection.id, id, provider, user.id, now, now),
  );
  await runPlan(recordDeps, plan);
  const row = await readAuthRow(deps.db, collection, id);
  if (!row) throw badRequest("Failed to create record.");
  return row;
}
