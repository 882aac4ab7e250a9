/** Resolvers of the collection fields: thin calls into the records engine with REST's parameters and methods. */
import type { GraphQLFieldResolver } from "graphql";
import { badRequest } from "../lib/errors";
import { createRecord } from "../records/create";
import { deleteRecord } from "../records/delete";
import { listRecords } from "../records/list";
import { parseListParams, parseViewParams } from "../records/query-params";
import { updateRecord } from "../records/update";
import { viewRecord } from "../records/view";
import { type GraphqlContext, recordDepsOf } from "./context";
import { expandOf } from "./selection";

type Resolver<A> = GraphQLFieldResolver<unknown, GraphqlContext, A>;

/** Arguments of a list query (REST's query parameters, typed). */
export interface ListArgs {
  filter?: string | null;
  sort?: string | null;
  page?: number | null;
  perPage?: number | null;
  cursor?: string | null;
  skipTotal?: boolean | null;
}

/** The list arguments as REST query parameters: one parser (records/query-params.ts) validates both APIs. */
export function listQuery(args: ListArgs): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [key, value] of Object.entries(args))
    if (value !== null && value !== undefined) query[key] = String(value);
  return query;
}

function bodyOf(data: unknown): Record<string, unknown> {
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    throw badRequest("Failed to validate the submitted data.", {
      data: { code: "validation_invalid_value", message: "data must be a JSON object." },
    });
  }
  return data as Record<string, unknown>;
}

/** `<collection>(filter, sort, page, perPage, cursor, skipTotal)`. */
export function listResolver(collection: string): Resolver<ListArgs> {
  return (_parent, args, context, info) => {
    const query = listQuery(args);
    const params = parseListParams({ ...query, expand: expandOf(info, ["items"]) });
    return listRecords(recordDepsOf(context, "GET", {}, query), collection, params);
  };
}

/** `<collection>_view(id)`. */
export function viewResolver(collection: string): Resolver<{ id: string }> {
  return async (_parent, args, context, info) => {
    const params = parseViewParams({ expand: expandOf(info, []) });
    return (await viewRecord(recordDepsOf(context, "GET"), collection, args.id, params)).record;
  };
}

/** `<collection>_create(data)`. */
export function createResolver(collection: string): Resolver<{ data: unknown }> {
  return async (_parent, args, context, info) => {
    const body = bodyOf(args.data);
    const params = parseViewParams({ expand: expandOf(info, []) });
    await context.beforeWrite({ collection, body });
    return (await createRecord(recordDepsOf(context, "POST", body), collection, body, params)).record;
  };
}

/** `<collection>_update(id, data, ifMatch)`: `data` may use the `field+`, `+field` and `field-` modifiers. */
export function updateResolver(
  collection: string,
): Resolver<{ id: string; data: unknown; ifMatch?: string | null }> {
  return async (_parent, args, context, info) => {
    const body = bodyOf(args.data);
    const params = parseViewParams({ expand: expandOf(info, []) });
    await context.beforeWrite({ collection, id: args.id, body });
    const deps = recordDepsOf(context, "PATCH", body);
    const result = await updateRecord(deps, collection, args.id, body, params, {
      ifMatch: args.ifMatch ?? null,
    });
    return result.record;
  };
}

/** `<collection>_delete(id, ifMatch)`: true once deleted. */
export function deleteResolver(collection: string): Resolver<{ id: string; ifMatch?: string | null }> {
  return async (_parent, args, context) => {
    await deleteRecord(recordDepsOf(context, "DELETE"), collection, args.id, {
      ifMatch: args.ifMatch ?? null,
    });
    return true;
  };
}
