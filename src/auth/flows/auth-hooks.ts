/** The AuthHooks port: code run before and after a sign-in and before a token refresh (src/hooks implements it). */
import type { AuthCollection } from "../../collections/collection";
import { decodeRow } from "../../records/record-json";

/** What auth hooks see: the collection, the signed-in record (decoded, no secrets), and how it proved itself. */
export interface AuthHookInput {
  collection: AuthCollection;
  record: Record<string, unknown>;
  /** The sign-in method (`password`, `otp`, `oauth2`, …) or `refresh` for a token refresh. */
  method: string;
}

/** Hooks bound to one request. `before*` throw an ApiError to refuse; `afterSignIn` never throws. */
export interface AuthHooks {
  beforeSignIn(input: AuthHookInput): Promise<void>;
  afterSignIn(input: AuthHookInput): Promise<void>;
  beforeRefresh(input: AuthHookInput): Promise<void>;
}

/** The hooks' view of an auth row. */
export function authHookInput(
  collection: AuthCollection,
  row: Record<string, unknown>,
  method: string,
): AuthHookInput {
  return { collection, record: decodeRow(collection, row), method };
}
