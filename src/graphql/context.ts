/** What resolvers get per request: ports onto the records engine and the auth flows (graphql/ knows no Hono). */
import type { BatchLimits } from "../records/batch";
import type { RecordDeps } from "../records/deps";
import type { RuleContext } from "../rules/context";

/** A sign-in answer, as the REST auth routes return it. */
export interface AuthPayload {
  token: string;
  record: unknown;
  refreshToken?: string;
}

/** The auth flows, bound to the request by http/ (graphql/ sits below auth in the layering on purpose). */
export interface AuthPort {
  withPassword(collection: string, input: Record<string, unknown>): Promise<AuthPayload>;
  refresh(collection: string, input: Record<string, unknown>): Promise<AuthPayload>;
}

/** The per-request context of a GraphQL execution. */
export interface GraphqlContext {
  /** The records deps without a caller context (D1 session, store, change sink, password ports). */
  base: Omit<RecordDeps, "ctx">;
  /**
   * The RuleContext REST would build for the equivalent request: `@request.method` is GET for reads, POST, PATCH
   * or DELETE for writes, and `@request.body` is the submitted data, so rules read the same either way.
   */
  contextOf(method: string, body: Record<string, unknown>, query: Record<string, string>): RuleContext;
  auth: AuthPort;
  /**
   * Runs before every record write with what REST's routes would throttle (password checks on update,
   * sign-ups): bound by http/ to the same throttle as REST and batch, so GraphQL is no way around it.
   */
  beforeWrite(write: { collection: string; id?: string; body: unknown }): Promise<void>;
  /** The `batch` mutation's limits (REST's batch settings); throws a 403 when batches are off. */
  batchLimits(): BatchLimits;
}

/** Records deps for one operation. */
export function recordDepsOf(
  context: GraphqlContext,
  method: string,
  body: Record<string, unknown> = {},
  query: Record<string, string> = {},
): RecordDeps {
  return { ...context.base, ctx: context.contextOf(method, body, query) };
}
