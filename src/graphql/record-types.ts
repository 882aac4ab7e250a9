/** Object types per collection for one caller class: record, expand (relations and back-relations) and page. */
import {
  GraphQLBoolean,
  type GraphQLFieldConfigMap,
  GraphQLFloat,
  GraphQLID,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  type GraphQLOutputType,
  GraphQLString,
} from "graphql";
import type { Collection } from "../collections/collection";
import { type Field, isMultiValued } from "../collections/fields";
import { isSecretField } from "../records/record-json";
import { isGraphqlName, NameRegistry, pascalCase } from "./names";
import { GeoPointType, JsonScalar } from "./scalars";

/** How a field multiplies the cost of its children (read by analyze.ts). */
export type CostKind = "page" | "many";

/** The types of one collection. */
export interface CollectionTypes {
  collection: Collection;
  record: GraphQLObjectType;
  page: GraphQLObjectType;
}

/** The record types of a schema, by collection id; collections the caller cannot read have none. */
export type TypeSet = Map<string, CollectionTypes>;

/** True when a caller of this class may read some of the collection (list or view); superusers read all. */
export function isReadable(collection: Collection, superuser: boolean): boolean {
  return superuser || collection.listRule !== null || collection.viewRule !== null;
}

/** True when the field shows in the caller's record type (the same test as toRecordJson's). */
export function isVisibleField(collection: Collection, field: Field, superuser: boolean): boolean {
  if (isSecretField(collection, field) || field.type === "password") return false;
  return (superuser || !field.hidden) && isGraphqlName(field.name);
}

function scalarOf(field: Field): GraphQLOutputType {
  const many = isMultiValued(field);
  const list = (t: GraphQLOutputType) => (many ? new GraphQLList(new GraphQLNonNull(t)) : t);
  switch (field.type) {
    case "number":
      return GraphQLFloat;
    case "bool":
      return GraphQLBoolean;
    case "json":
      return JsonScalar;
    case "geoPoint":
      return GeoPointType;
    case "select":
    case "relation":
    case "file":
      return list(GraphQLString);
    default:
      return GraphQLString;
  }
}

/**
 * Builds the types of every collection readable by the caller class. Relations appear under `expand`, exactly
 * where the expand engine puts them, only when the target's viewRule lets expand load them.
 */
export function buildRecordTypes(collections: readonly Collection[], superuser: boolean): TypeSet {
  const names = new NameRegistry();
  const types: TypeSet = new Map();
  const readable = collections.filter((c) => isReadable(c, superuser) && isGraphqlName(c.name));
  const expandable = (c: Collection | undefined) =>
    c !== undefined && types.has(c.id) && (superuser || c.viewRule !== null);
  for (const collection of readable) {
    const base = pascalCase(collection.name);
    const recordName = names.take(base, collection.id);
    const expandName = names.take(`${base}Expand`, collection.id);
    const pageName = names.take(`${base}Page`, collection.id);
    const expand = new GraphQLObjectType({
      name: expandName,
      description: `Related records of ${collection.name}, loaded one statement per level by the expand engine.`,
      fields: () => expandFields(collection),
    });
    const record: GraphQLObjectType = new GraphQLObjectType({
      name: recordName,
      description: `A record of the "${collection.name}" collection.`,
      fields: () => {
        const fields: GraphQLFieldConfigMap<Record<string, unknown>, unknown> = {
          id: { type: new GraphQLNonNull(GraphQLID) },
          collectionId: { type: new GraphQLNonNull(GraphQLString) },
          collectionName: { type: new GraphQLNonNull(GraphQLString) },
        };
        for (const field of collection.fields) {
          if (field.name === "id" || !isVisibleField(collection, field, superuser)) continue;
          fields[field.name] = { type: scalarOf(field) };
        }
        if (Object.keys(expandFields(collection)).length > 0) {
          fields.expand = {
            type: new GraphQLNonNull(expand),
            resolve: (parent) => parent.expand ?? {},
          };
        }
        return fields;
      },
    });
    const page = new GraphQLObjectType({
      name: pageName,
      fields: {
        page: { type: new GraphQLNonNull(GraphQLInt) },
        perPage: { type: new GraphQLNonNull(GraphQLInt) },
        totalItems: { type: new GraphQLNonNull(GraphQLInt), description: "-1 with skipTotal." },
        totalPages: { type: new GraphQLNonNull(GraphQLInt), description: "-1 with skipTotal." },
        nextCursor: { type: GraphQLString, description: "null on the last page and with @random sorting." },
        items: { type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(record))) },
      },
    });
    types.set(collection.id, { collection, record, page });
  }

  const byId = new Map(collections.map((c) => [c.id, c]));
  function expandFields(collection: Collection): GraphQLFieldConfigMap<Record<string, unknown>, unknown> {
    const fields: GraphQLFieldConfigMap<Record<string, unknown>, unknown> = {};
    for (const field of collection.fields) {
      if (field.type !== "relation" || !isVisibleField(collection, field, superuser)) continue;
      const target = byId.get(field.collectionId);
      if (!target || !expandable(target)) continue;
      const type = (types.get(target.id) as CollectionTypes).record;
      const many = isMultiValued(field);
      fields[field.name] = {
        type: many ? new GraphQLList(new GraphQLNonNull(type)) : type,
        extensions: many ? { cost: "many" satisfies CostKind } : {},
        resolve: (parent) => parent[field.name] ?? null,
      };
    }
    for (const source of readable) {
      if (!expandable(source)) continue;
      for (const via of source.fields) {
        if (via.type !== "relation" || via.collectionId !== collection.id) continue;
        // A back-relation through a hidden field would reveal that field's values, so only superusers get it
        // (REST's expand engine does not check this).
        if (!isVisibleField(source, via, superuser)) continue;
        const name = `${source.name}_via_${via.name}`;
        if (fields[name]) continue;
        const type = (types.get(source.id) as CollectionTypes).record;
        fields[name] = {
          type: new GraphQLList(new GraphQLNonNull(type)),
          description: `Records of ${source.name} whose ${via.name} points here (at most 1000 per level).`,
          extensions: { cost: "many" satisfies CostKind },
          resolve: (parent) => parent[name] ?? null,
        };
      }
    }
    return fields;
  }
  return types;
}
