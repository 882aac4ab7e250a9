/** What a rule can see of the request: the `@request.*` values, produced by auth/http and consumed by records. */

/** The signed-in record (`@request.auth.*`): an auth collection record with its fields, hidden ones included. */
export interface AuthRecord {
  id: string;
  collectionId: string;
  collectionName: string;
  [field: string]: unknown;
}

/** Where a rule is being evaluated (`@request.context`), as PocketBase names them. */
export type RequestContextName = "default" | "oauth2" | "otp" | "password" | "realtime" | "protectedFile";

/** Everything `@request.*` can refer to, captured once per request. */
export interface RuleContext {
  /** The caller's auth record, or null for guests. */
  auth: AuthRecord | null;
  /** True when the caller is a `_superusers` record: rules are bypassed. */
  isSuperuser: boolean;
  /** `@request.method`, upper case. */
  method: string;
  /** `@request.headers.*`, names lower-cased with `-` turned into `_` (PocketBase's convention). */
  headers: Record<string, string>;
  /** `@request.query.*`. */
  query: Record<string, string>;
  /** `@request.body.*`: the submitted fields (already decoded). */
  body: Record<string, unknown>;
  /** `@request.context`. */
  context: RequestContextName;
  /** The instant date macros (`@now`, `@todayStart`, …) are computed from, once per request, in UTC. */
  now: Date;
}

/** A guest context with no body, for places with no request (tests, system jobs). */
export function guestContext(overrides: Partial<RuleContext> = {}): RuleContext {
  return {
    auth: null,
    isSuperuser: false,
    method: "GET",
    headers: {},
    query: {},
    body: {},
    context: "default",
    now: new Date(),
    ...overrides,
  };
}
