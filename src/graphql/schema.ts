/** The GraphQL schema of one schema version and caller class: list and view queries, writes, batch and auth. */
import {
  GraphQLBoolean,
  type GraphQLFieldConfigMap,
  GraphQLID,
  GraphQLInt,
  GraphQLNonNull,
  GraphQLObjectType,
  type GraphQLOutputType,
  GraphQLSchema,
  GraphQLString,
} from "graphql";
import type { Collection } from "../collections/collection";
import type { GraphqlContext } from "./context";
import { isGraphqlName, NameRegistry } from "./names";
import { buildRecordTypes, type CostKind } from "./record-types";
import { createResolver, deleteResolver, listResolver, updateResolver, viewResolver } from "./resolvers";
import { JsonScalar } from "./scalars";
import { systemMutations } from "./system-fields";

type Fields = GraphQLFieldConfigMap<unknown, GraphqlContext>;

const LIST_ARGS = {
  filter: { type: GraphQLString, description: "The filter language, as REST's `filter`." },
  sort: { type: GraphQLString, description: "As REST's `sort`, e.g. `-created,title`." },
  page: { type: GraphQLInt },
  perPage: { type: GraphQLInt, description: "Default 30, at most 1000; multiplies the cost of the items." },
  cursor: { type: GraphQLString, description: "`nextCursor` of the previous page (keyset paging)." },
  skipTotal: { type: GraphQLBoolean },
};

const allowed = (rule: string | null, superuser: boolean) => superuser || rule !== null;

/**
 * Builds the schema. A non-superuser's schema leaves out hidden fields, collections that nobody but a superuser
 * may read (types) or write (mutations), and relations whose target's viewRule is locked: introspection then
 * reveals nothing REST would not. Rules that are set still run per request in the records engine.
 */
export function buildGraphqlSchema(collections: readonly Collection[], superuser: boolean): GraphQLSchema {
  const types = buildRecordTypes(collections, superuser);
  const queryNames = new NameRegistry(["health"]);
  const mutationNames = new NameRegistry(Object.keys(systemMutations()));
  const query: Fields = {
    health: { type: new GraphQLNonNull(GraphQLString), resolve: () => "ok" },
  };
  const mutation: Fields = systemMutations();
  const id = { type: new GraphQLNonNull(GraphQLID) };
  const ifMatch = { type: GraphQLString, description: "The record's ETag; a mismatch is a 412." };
  for (const collection of collections) {
    if (!isGraphqlName(collection.name)) continue;
    const typed = types.get(collection.id);
    const name = collection.name;
    if (typed && allowed(collection.listRule, superuser)) {
      query[queryNames.take(name, collection.id)] = {
        type: new GraphQLNonNull(typed.page),
        args: LIST_ARGS,
        extensions: { cost: "page" satisfies CostKind },
        resolve: listResolver(name),
      };
    }
    if (typed && allowed(collection.viewRule, superuser)) {
      query[queryNames.take(`${name}_view`, collection.id)] = {
        type: typed.record,
        args: { id },
        resolve: viewResolver(name),
      };
    }
    if (collection.type === "view") continue;
    // Writable but unreadable collections return REST's JSON, so their field list stays private.
    const record: GraphQLOutputType = typed?.record ?? JsonScalar;
    const data = { type: new GraphQLNonNull(JsonScalar) };
    if (allowed(collection.createRule, superuser)) {
      mutation[mutationNames.take(`${name}_create`, collection.id)] = {
        type: record,
        args: { data },
        resolve: createResolver(name),
      };
    }
    if (allowed(collection.updateRule, superuser)) {
      mutation[mutationNames.take(`${name}_update`, collection.id)] = {
        type: record,
        args: { id, data, ifMatch },
        resolve: updateResolver(name),
      };
    }
    if (allowed(collection.deleteRule, superuser)) {
      mutation[mutationNames.take(`${name}_delete`, collection.id)] = {
        type: new GraphQLNonNull(GraphQLBoolean),
        args: { id, ifMatch },
        resolve: deleteResolver(name),
      };
    }
  }
  return new GraphQLSchema({
    query: new GraphQLObjectType({ name: "Query", fields: query }),
    mutation: new GraphQLObjectType({ name: "Mutation", fields: mutation }),
  });
}
