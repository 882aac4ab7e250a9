/** Registering, listing and deleting the signed-in user's passkeys (WebAuthn registration ceremony). */
import type { PublicKeyCredentialCreationOptionsJSON } from "@simplewebauthn/server";
import { toBase64Url, utf8 } from "../../lib/bytes";
import { badRequest, notFound, unauthorized } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { parseInput } from "../../lib/parse-input";
import { readAuthRow } from "../flows/auth-records";
import { type AuthFlowDeps, findAuthCollection } from "../flows/deps";
import { challengeOf } from "./client-data";
import { registerSchema } from "./input";
import { relyingParty } from "./relying-party";
import {
  consumeChallenge,
  listPasskeyRows,
  MAX_PASSKEYS_PER_USER,
  type PasskeyJson,
  passkeyJson,
  storeChallenge,
} from "./store";

/** COSE algorithms accepted: ES256, EdDSA, RS256 (what platform and roaming authenticators use). */
export const SUPPORTED_ALGORITHMS = [-7, -8, -257];

/** The signed-in caller's collection and id (401 for guests and callers of another collection). */
async function owner(deps: AuthFlowDeps, collectionIdOrName: string) {
  const collection = await findAuthCollection(deps, collectionIdOrName);
  if (!deps.auth || deps.auth.collectionId !== collection.id) throw unauthorized();
  return { collection, userId: deps.auth.id };
}

/** The one 400 of a failed registration: the reason goes to the log, not to the client. */
export function invalidPasskey(deps: AuthFlowDeps, reason: string): never {
  deps.log.info("passkey response refused", { reason });
  throw badRequest("Invalid or expired passkey response.");
}

function tooMany(): never {
  throw badRequest(`A user can register at most ${MAX_PASSKEYS_PER_USER} passkeys.`, {
    credential: { code: "validation_passkey_limit", message: "Delete a passkey first." },
  });
}

/** `POST passkeys/registration-options`: the options for `navigator.credentials.create()`. */
export async function passkeyRegistrationOptions(
  deps: AuthFlowDeps,
  collectionIdOrName: string,
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const { collection, userId } = await owner(deps, collectionIdOrName);
  const rp = relyingParty(deps);
  const row = await readAuthRow(deps.db, collection, userId);
  if (!row) throw unauthorized();
  const existing = await listPasskeyRows(deps.db, collection.id, userId);
  if (existing.length >= MAX_PASSKEYS_PER_USER) tooMany();
  const { generateRegistrationOptions } = await import("@simplewebauthn/server");
  const label = String(row.email || row.username || row.id);
  const options = await generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: label,
    userDisplayName: label,
    userID: utf8(userId),
    attestationType: "none",
    excludeCredentials: existing.map((p) => ({ id: p.credentialId, transports: passkeyJson(p).transports })),
    authenticatorSelection: { residentKey: "required", userVerification: "required" },
    supportedAlgorithmIDs: SUPPORTED_ALGORITHMS,
  });
  await storeChallenge(deps.db, {
    collectionId: collection.id,
    recordId: userId,
    kind: "register",
    challenge: options.challenge,
  });
  return options;
}

/** `POST passkeys`: verifies the new credential against its challenge and origin, then stores it. */
export async function registerPasskey(
  deps: AuthFlowDeps,
  collectionIdOrName: string,
  input: unknown,
): Promise<PasskeyJson> {
  const { collection, userId } = await owner(deps, collectionIdOrName);
  const rp = relyingParty(deps);
  const body = parseInput(registerSchema, input ?? {});
  const challenge = challengeOf(body.credential.response.clientDataJSON);
  if (!challenge) invalidPasskey(deps, "unreadable client data");
  const bound = await consumeChallenge(deps.db, collection.id, "register", challenge);
  if (!bound || bound.recordId !== userId) invalidPasskey(deps, "unknown, expired or foreign challenge");
  const { verifyRegistrationResponse } = await import("@simplewebauthn/server");
  let info: Awaited<ReturnType<typeof verifyRegistrationResponse>>["registrationInfo"];
  try {
    const result = await verifyRegistrationResponse({
      // Validated above; the library reads the fields it needs.
      response: body.credential as Parameters<typeof verifyRegistrationResponse>[0]["response"],
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: true,
      supportedAlgorithmIDs: SUPPORTED_ALGORITHMS,
    });
    info = result.verified ? result.registrationInfo : undefined;
  } catch (error) {
    invalidPasskey(deps, error instanceof Error ? error.message : "verification failed");
  }
  if (!info) invalidPasskey(deps, "not verified");
  if ((await listPasskeyRows(deps.db, collection.id, userId)).length >= MAX_PASSKEYS_PER_USER) tooMany();
  const id = newId();
  const transports = JSON.stringify(body.credential.response.transports ?? info.credential.transports ?? []);
  const inserted = await deps.db
    .prepare(
      `INSERT OR IGNORE INTO _passkeys (id, collectionRef, recordRef, name, credentialId, publicKey, counter, transports)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(
      id,
      collection.id,
      userId,
      body.name,
      info.credential.id,
      toBase64Url(info.credential.publicKey),
      info.credential.counter,
      transports,
    )
    .run();
  if (inserted.meta.changes !== 1) {
    throw badRequest("This passkey is already registered.", {
      credential: { code: "validation_passkey_exists", message: "This passkey is already registered." },
    });
  }
  const rows = await listPasskeyRows(deps.db, collection.id, userId);
  const row = rows.find((p) => p.id === id);
  if (!row) throw notFound();
  return passkeyJson(row);
}

/** `GET passkeys`: the caller's passkeys (names, dates; never key material). */
export async function listPasskeys(
  deps: AuthFlowDeps,
  collectionIdOrName: string,
): Promise<{ items: PasskeyJson[] }> {
  const { collection, userId } = await owner(deps, collectionIdOrName);
  return { items: (await listPasskeyRows(deps.db, collection.id, userId)).map(passkeyJson) };
}

/** `DELETE passkeys/{id}`: removes one of the caller's passkeys (404 when it is not theirs). */
export async function deletePasskey(
  deps: AuthFlowDeps,
  collectionIdOrName: string,
  id: string,
): Promise<void> {
  const { collection, userId } = await owner(deps, collectionIdOrName);
  const res = await deps.db
    .prepare("DELETE FROM _passkeys WHERE id = ? AND collectionRef = ? AND recordRef = ?")
    .bind(String(id).slice(0, 100), collection.id, userId)
    .run();
  if (res.meta.changes !== 1) throw notFound();
}
