/** Root fields every schema has: the atomic `batch` and the auth mutations (`authWithPassword`, `authRefresh`). */
import {
  GraphQLEnumType,
  type GraphQLFieldConfigMap,
  GraphQLInputObjectType,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLString,
} from "graphql";
import { runBatch } from "../records/batch";
import type { GraphqlContext } from "./context";
import { JsonScalar } from "./scalars";

const BatchAction = new GraphQLEnumType({
  name: "BatchAction",
  values: {
    create: { value: "POST" },
    update: { value: "PATCH" },
    upsert: { value: "PUT" },
    delete: { value: "DELETE" },
  },
});

const BatchRequest = new GraphQLInputObjectType({
  name: "BatchRequest",
  fields: {
    action: { type: new GraphQLNonNull(BatchAction) },
    collection: { type: new GraphQLNonNull(GraphQLString) },
    id: { type: GraphQLString, description: "Required by update and delete; optional for upsert." },
    data: { type: JsonScalar, description: "The record body (modifiers allowed in update)." },
  },
});

const BatchResult = new GraphQLObjectType({
  name: "BatchResult",
  fields: { status: { type: new GraphQLNonNull(GraphQLInt) }, body: { type: JsonScalar } },
});

const AuthPayloadType = new GraphQLObjectType({
  name: "AuthPayload",
  fields: {
    token: { type: new GraphQLNonNull(GraphQLString) },
    refreshToken: { type: GraphQLString, description: "Rotating refresh token (absent for impersonation)." },
    record: { type: new GraphQLNonNull(JsonScalar), description: "The auth record, as REST returns it." },
  },
});

interface BatchArgs {
  requests: {
    action: string;
    collection: string;
    id?: string | null;
    data?: Record<string, unknown> | null;
  }[];
}

/** Builds REST batch requests from the typed input, so the one batch engine plans and commits them. */
function toRestRequests(args: BatchArgs) {
  return args.requests.map((r) => ({
    method: r.action,
    url: `/api/collections/${encodeURIComponent(r.collection)}/records${r.id ? `/${encodeURIComponent(r.id)}` : ""}`,
    body: r.data ?? {},
  }));
}

/** The mutations every caller class gets. */
export function systemMutations(): GraphQLFieldConfigMap<unknown, GraphqlContext> {
  return {
    batch: {
      description: "Creates, updates, upserts and deletes records all or nothing (REST's POST /api/batch).",
      type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(BatchResult))),
      args: { requests: { type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(BatchRequest))) } },
      resolve: async (_parent, args: BatchArgs, context) => {
        const limits = context.batchLimits();
        for (const r of args.requests.slice(0, limits.maxRequests)) {
          const id = r.id ?? undefined;
          if (r.action !== "DELETE")
            await context.beforeWrite({ collection: r.collection, id, body: r.data ?? {} });
        }
        return runBatch(
          context.base,
          (request, query) => context.contextOf(request.method, request.body ?? {}, query),
          { requests: toRestRequests(args) },
          limits,
        );
      },
    },
    authWithPassword: {
      type: new GraphQLNonNull(AuthPayloadType),
      args: {
        collection: { type: new GraphQLNonNull(GraphQLString) },
        identity: { type: new GraphQLNonNull(GraphQLString) },
        password: { type: new GraphQLNonNull(GraphQLString) },
        identityField: { type: GraphQLString },
      },
      resolve: (_parent, args: Record<string, string | null>, context) => {
        const { collection, ...input } = args;
        return context.auth.withPassword(String(collection), dropNulls(input));
      },
    },
    authRefresh: {
      description: "Renews the Authorization token's session, or rotates `refreshToken` when given.",
      type: new GraphQLNonNull(AuthPayloadType),
      args: {
        collection: { type: new GraphQLNonNull(GraphQLString) },
        refreshToken: { type: GraphQLString },
      },
      resolve: (_parent, args: Record<string, string | null>, context) => {
        const { collection, ...input } = args;
        return context.auth.refresh(String(collection), dropNulls(input));
      },
    },
  };
}

function dropNulls(input: Record<string, string | null | undefined>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== null && v !== undefined));
}
