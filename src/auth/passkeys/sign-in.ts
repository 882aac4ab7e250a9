/** Passkey sign-in (WebAuthn authentication ceremony): discoverable or for a given identity; ends in completeSignIn. */
import type { PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import { fromBase64Url } from "../../lib/bytes";
import { parseInput } from "../../lib/parse-input";
import type { ViewParams } from "../../records/query-params";
import { findByIdentity, readAuthRow } from "../flows/auth-records";
import { completeSignIn } from "../flows/complete-sign-in";
import { type AuthFlowDeps, findAuthCollection } from "../flows/deps";
import type { AuthResponse } from "../flows/issue";
import { throttle } from "../flows/throttle";
import { AUTH_RATE_LIMITS, enforceRateLimit, ipBucket, rateLimitKey } from "../rate-limit";
import { challengeOf } from "./client-data";
import { signInOptionsSchema, signInSchema } from "./input";
import { invalidPasskey } from "./register";
import { relyingParty } from "./relying-party";
import { consumeChallenge, findByCredentialId, listPasskeyRows, passkeyJson, storeChallenge } from "./store";

/**
 * `POST passkey-options`: the options for `navigator.credentials.get()`. With an `identity`, its passkeys are
 * listed in `allowCredentials` and the challenge is bound to that record; without one (or for an unknown
 * identity, which answers the same) any of the collection's discoverable passkeys may answer.
 */
export async function passkeySignInOptions(
  deps: AuthFlowDeps,
  collectionIdOrName: string,
  input: unknown,
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const collection = await findAuthCollection(deps, collectionIdOrName);
  const rp = relyingParty(deps);
  const { identity } = parseInput(signInOptionsSchema, input ?? {});
  // Anyone may ask for options, and each stores a challenge: per IP only (a per-account key would let one
  // client lock everybody out of discoverable sign-in).
  const ip = ipBucket(deps.client.ip);
  if (ip !== null) {
    await enforceRateLimit(
      deps.limiter,
      await rateLimitKey("passkeyOptions:ip", ip),
      AUTH_RATE_LIMITS.signInPerIp,
    );
  }
  const row = identity ? await findByIdentity(deps.db, collection, identity) : undefined;
  const passkeys = row ? await listPasskeyRows(deps.db, collection.id, row.id) : [];
  const recordId = passkeys.length > 0 && row ? row.id : "";
  const { generateAuthenticationOptions } = await import("@simplewebauthn/server");
  const options = await generateAuthenticationOptions({
    rpID: rp.id,
    userVerification: "required",
    allowCredentials: passkeys.map((p) => ({ id: p.credentialId, transports: passkeyJson(p).transports })),
  });
  await storeChallenge(deps.db, {
    collectionId: collection.id,
    recordId,
    kind: "signIn",
    challenge: options.challenge,
  });
  return options;
}

/**
 * `POST auth-with-passkey`: verifies the assertion (challenge single use, origin and RP id, user verification,
 * signature, a counter that only moves forward) and signs in as the passkey's owner through completeSignIn
 * (method `passkey`, so it counts as an MFA factor).
 */
export async function authWithPasskey(
  deps: AuthFlowDeps,
  collectionIdOrName: string,
  input: unknown,
  params: ViewParams,
): Promise<AuthResponse> {
  const collection = await findAuthCollection(deps, collectionIdOrName);
  const rp = relyingParty(deps);
  const body = parseInput(signInSchema, input ?? {});
  const { credential } = body;
  const challenge = challengeOf(credential.response.clientDataJSON);
  if (!challenge) invalidPasskey(deps, "unreadable client data");
  const bound = await consumeChallenge(deps.db, collection.id, "signIn", challenge);
  if (!bound) invalidPasskey(deps, "unknown, used or expired challenge");
  const passkey = await findByCredentialId(deps.db, collection.id, credential.id);
  if (!passkey) invalidPasskey(deps, "unknown credential");
  if (bound.recordId && bound.recordId !== passkey.recordRef)
    invalidPasskey(deps, "challenge of another user");
  if (credential.response.userHandle !== undefined) {
    const handle = fromBase64Url(credential.response.userHandle);
    if (!handle || new TextDecoder().decode(handle) !== passkey.recordRef) {
      invalidPasskey(deps, "user handle does not match");
    }
  }
  const limits = AUTH_RATE_LIMITS;
  await throttle(
    deps,
    "passkeySignIn",
    `${collection.id}/${passkey.recordRef}`,
    limits.signInPerAccount,
    limits.signInPerIp,
  );
  const publicKey = fromBase64Url(passkey.publicKey);
  if (!publicKey) invalidPasskey(deps, "stored key unreadable");
  const { verifyAuthenticationResponse } = await import("@simplewebauthn/server");
  let newCounter: number;
  try {
    const result = await verifyAuthenticationResponse({
      response: credential as Parameters<typeof verifyAuthenticationResponse>[0]["response"],
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: true,
      credential: {
        id: passkey.credentialId,
        publicKey,
        counter: passkey.counter,
        transports: passkeyJson(passkey).transports as never,
      },
    });
    if (!result.verified) invalidPasskey(deps, "not verified");
    newCounter = result.authenticationInfo.newCounter;
  } catch (error) {
    invalidPasskey(deps, error instanceof Error ? error.message : "verification failed");
  }
  // Compare-and-set: of two uses racing with the same counter, one wins (a cloned authenticator shows here).
  const updated = await deps.db
    .prepare(
      "UPDATE _passkeys SET counter = ?, lastUsed = strftime('%Y-%m-%d %H:%M:%fZ', 'now') WHERE id = ? AND counter = ?",
    )
    .bind(newCounter, passkey.id, passkey.counter)
    .run();
  if (updated.meta.changes !== 1) invalidPasskey(deps, "counter changed concurrently");
  const row = await readAuthRow(deps.db, collection, passkey.recordRef);
  if (!row) invalidPasskey(deps, "owner no longer exists");
  return completeSignIn(deps, collection, row, params, {
    method: "passkey",
    ...(body.mfaId ? { mfaId: body.mfaId } : {}),
  });
}
