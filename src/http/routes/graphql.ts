/** GraphQL routes: POST/GET /api/graphql, the SDL at /api/graphql/schema.graphql, the explorer for browsers. */
import type { Context, Hono } from "hono";
import { authWithPassword } from "../../auth/flows/password-sign-in";
import { authRefresh } from "../../auth/flows/refresh";
import { ruleContext } from "../../auth/rule-context";
import { SUPERUSERS } from "../../collections/names";
import type { CallerClass, GraphqlContext, GraphqlRequest } from "../../graphql";
import type { GraphqlLimits } from "../../graphql/limits";
import { ApiError, notFound } from "../../lib/errors";
import { errorFields } from "../../observability/logger";
import type { ViewParams } from "../../records/query-params";
import { type AuthRouteOptions, authDeps } from "../auth-deps";
import { throttleRecordWrite } from "../auth-throttles";
import { batchLimits } from "../batch-limits";
import type { AppEnv } from "../context";
import { presentedToken } from "../middleware/auth";
import { type RecordRouteOptions, recordDeps } from "../record-deps";

/** What the GraphQL routes are built with (from app.ts). */
export interface GraphqlRouteOptions {
  records: RecordRouteOptions;
  auth: AuthRouteOptions;
  limits: GraphqlLimits;
}

// graphql-js and the schema builder are loaded on the first GraphQL request, so other requests never evaluate them.
const engine = () => import("../../graphql");

const NO_PARAMS: ViewParams = { expand: [], fields: null };

function graphqlContext(c: Context<AppEnv>, options: GraphqlRouteOptions): GraphqlContext {
  const { ctx: _ctx, ...base } = recordDeps(c, options.records);
  const auth = c.var.auth ?? null;
  return {
    base,
    contextOf: (method, body, query) =>
      ruleContext({ auth, method, headers: c.req.raw.headers, query, body }),
    batchLimits: () => batchLimits(c),
    beforeWrite: (write) => throttleRecordWrite(c, options.records.store, write),
    auth: {
      withPassword: (collection, input) =>
        authWithPassword(authDeps(c, options.auth), collection, input, NO_PARAMS),
      refresh: (collection, input) =>
        authRefresh(authDeps(c, options.auth), collection, input, NO_PARAMS, presentedToken(c)),
    },
  };
}

async function schemaInputs(c: Context<AppEnv>, options: GraphqlRouteOptions) {
  const snapshot = await options.records.store.snapshot(c.var.d1);
  const caller: CallerClass = c.var.auth?.collectionName === SUPERUSERS ? "superuser" : "public";
  return { snapshot, caller };
}

async function serve(
  c: Context<AppEnv>,
  options: GraphqlRouteOptions,
  request: GraphqlRequest,
  method: "GET" | "POST",
) {
  const { runGraphql, schemaFor } = await engine();
  const { snapshot, caller } = await schemaInputs(c, options);
  const result = await runGraphql(schemaFor(snapshot, caller), request, graphqlContext(c, options), {
    limits: options.limits,
    method,
    onInternal: (cause) => c.var.log.error("graphql resolver failed", errorFields(cause)),
  });
  return c.json(result);
}

function parseVariables(raw: string | undefined): unknown {
  if (raw === undefined || raw === "") return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    throw new ApiError(400, "variables must be JSON.", {
      variables: { code: "validation_invalid_value", message: "variables must be JSON." },
    });
  }
}

/** Mounts the GraphQL routes. */
export function graphqlRoutes(app: Hono<AppEnv>, options: GraphqlRouteOptions): void {
  app.post("/api/graphql", async (c) => {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      throw new ApiError(400, "The body must be a JSON GraphQL request.");
    }
    if (body === null || typeof body !== "object" || Array.isArray(body))
      throw new ApiError(400, "The body must be a JSON GraphQL request.");
    return serve(c, options, body as GraphqlRequest, "POST");
  });

  app.get("/api/graphql", async (c) => {
    const query = c.req.query("query");
    if (query === undefined && (c.req.header("accept") ?? "").includes("text/html")) {
      if (!options.limits.introspection) throw notFound();
      const { EXPLORER_HTML } = await engine();
      return c.html(EXPLORER_HTML);
    }
    const request = {
      query,
      variables: parseVariables(c.req.query("variables")),
      operationName: c.req.query("operationName"),
    };
    return serve(c, options, request, "GET");
  });

  app.get("/api/graphql/schema.graphql", async (c) => {
    if (!options.limits.introspection) throw notFound();
    const { sdlFor } = await engine();
    const { snapshot, caller } = await schemaInputs(c, options);
    return c.text(sdlFor(snapshot, caller), 200, { "content-type": "text/plain; charset=utf-8" });
  });
}
