/** Helpers for GraphQL tests: a graphql-request client over the Worker, collections and records set up through REST. */
import { exports } from "cloudflare:workers";
import { ClientError, GraphQLClient, type Variables } from "graphql-request";
import { BASE } from "../helpers/request";
import { authed, type Json } from "../http/routes/auth-helpers";

/** The GraphQL endpoint. */
export const GRAPHQL_URL = `${BASE}/api/graphql`;

/** A graphql-request client whose fetch is the Worker's, optionally with a token. */
export function client(token: string | null = null): GraphQLClient {
  return new GraphQLClient(GRAPHQL_URL, {
    fetch: (input, init) => exports.default.fetch(new Request(input as RequestInfo, init)),
    headers: token ? { authorization: token } : {},
  });
}

/** One GraphQL error as Edgebase formats it. */
export interface GqlError {
  message: string;
  path?: (string | number)[];
  extensions: { status: number; code: string; data: Json };
}

/** Sends a request; resolves with data, or with the errors graphql-request throws as a ClientError. */
export async function gql(
  token: string | null,
  query: string,
  variables?: Variables,
): Promise<{ data: Json; errors: GqlError[] }> {
  try {
    const data = await client(token).request<Json>(query, variables);
    return { data, errors: [] };
  } catch (error) {
    if (error instanceof ClientError) {
      return {
        data: error.response.data ?? null,
        errors: (error.response.errors ?? []) as unknown as GqlError[],
      };
    }
    throw error;
  }
}

/** A REST call as a superuser (or another token) that must succeed; returns the body. */
export async function rest(token: string, method: string, path: string, body?: unknown): Promise<Json> {
  const init: RequestInit = { method };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { "content-type": "application/json" };
  }
  const res = await authed(token, path, init);
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text === "" ? null : JSON.parse(text);
}
