/** Superuser bootstrap: make sure a superuser with the configured email exists (created on first use). */
import { SUPERUSERS } from "../../collections/names";
import { hashPassword, passwordPolicyError } from "../password";
import { findByEmail, insertAuthRow } from "./auth-records";
import { type AuthFlowDeps, findAuthCollection } from "./deps";

/** What {@link ensureSuperuser} did. */
export type BootstrapOutcome = "created" | "exists";

/**
 * Creates a verified superuser with `email` and `password` unless one with that email (any casing) exists. An
 * existing superuser is left alone: its password is never overwritten from the environment. A password that
 * breaks the policy is refused (RangeError), so a typo in a secret does not create a weak account.
 */
export async function ensureSuperuser(
  deps: Pick<AuthFlowDeps, "db" | "store" | "changes" | "waitUntil">,
  email: string,
  password: string,
): Promise<BootstrapOutcome> {
  const collection = await findAuthCollection(deps, SUPERUSERS);
  const normalized = email.trim();
  if (!/^[^\s@]+@[^\s@]+$/.test(normalized) || normalized.length > 320) {
    throw new RangeError("EDGEBASE_SUPERUSER_EMAIL is not an email address");
  }
  if (await findByEmail(deps.db, collection, normalized)) return "exists";
  const policy = passwordPolicyError(password);
  if (policy) throw new RangeError(`EDGEBASE_SUPERUSER_PASSWORD: ${policy.message}`);
  try {
    await insertAuthRow(deps, collection, {
      email: normalized,
      passwordHash: await hashPassword(password),
      verified: true,
    });
  } catch (error) {
    // Another isolate won the race: the unique email index refused the second insert.
    if (await findByEmail(deps.db, collection, normalized)) return "exists";
    throw error;
  }
  return "created";
}
